package store

import (
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/sharpeyes/sharpeyes"
)

// permute must give what copying into a new array in that order gives.
func TestPermuteMatchesACopyInOrder(t *testing.T) {
	for _, n := range []int{0, 1, 2, 3, 17, 1000} {
		r := rand.New(rand.NewPCG(uint64(n), 1))
		cams := make([]sharpeyes.Camera, n)
		for i := range cams {
			cams[i].ID = strconv.Itoa(i)
		}
		order := make([]int32, n)
		for i := range order {
			order[i] = int32(i)
		}
		r.Shuffle(n, func(i, j int) { order[i], order[j] = order[j], order[i] })
		want := make([]string, n)
		for i, j := range order {
			want[i] = cams[j].ID
		}
		permute(cams, order)
		for i := range cams {
			if cams[i].ID != want[i] {
				t.Fatalf("n=%d: position %d holds %s, want %s", n, i, cams[i].ID, want[i])
			}
		}
	}
}
