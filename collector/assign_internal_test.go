package collector

import (
	"slices"
	"testing"
)

func TestAssignGivesEachMemberAnEvenShareOfTheShards(t *testing.T) {
	full := make([]int, 64)
	for i := range full {
		full[i] = 10
	}
	sparse := slices.Clone(full)
	for i := 0; i < len(sparse); i += 3 {
		sparse[i] = 0
	}
	tests := []struct {
		name    string
		members []string
		sizes   []int
	}{
		{"one member", []string{"a"}, full},
		{"three members", []string{"a", "b", "c"}, full},
		{"three members, empty shards", []string{"a", "b", "c"}, sparse},
		{"five members", []string{"h1-1", "h1-2", "h2-1", "h3-1", "h3-2"}, full},
		{"more members than shards", []string{"a", "b", "c", "d"}, []int{1, 0, 2}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			owners := assignSizes(tc.members, tc.sizes)
			load := map[string]int{}
			nonEmpty := 0
			for s, n := range tc.sizes {
				switch {
				case n == 0 && owners[s] != "":
					t.Fatalf("empty shard %d owned by %q", s, owners[s])
				case n > 0 && !slices.Contains(tc.members, owners[s]):
					t.Fatalf("shard %d owned by %q, not a member", s, owners[s])
				}
				if n > 0 {
					nonEmpty++
					load[owners[s]]++
				}
			}
			limit := (nonEmpty + len(tc.members) - 1) / len(tc.members)
			for m, n := range load {
				if n > limit {
					t.Fatalf("%s owns %d shards, more than %d", m, n, limit)
				}
			}
			// Every replica computes the same owners.
			if again := assignSizes(slices.Clone(tc.members), tc.sizes); !slices.Equal(again, owners) {
				t.Fatal("owners differ between two computations")
			}
		})
	}
}

func TestAssignMovesFewShardsWhenAMemberLeaves(t *testing.T) {
	sizes := make([]int, 64)
	for i := range sizes {
		sizes[i] = 1
	}
	before := assignSizes([]string{"a", "b", "c"}, sizes)
	after := assignSizes([]string{"a", "b"}, sizes)
	moved := 0
	for s := range sizes {
		if before[s] != "c" && before[s] != after[s] {
			moved++
		}
	}
	// a and b keep most of their own; the bound moves a few to even out.
	if moved > 16 {
		t.Fatalf("%d shards of the staying members moved, want a few:\nbefore %v\nafter  %v", moved, before, after)
	}
}
