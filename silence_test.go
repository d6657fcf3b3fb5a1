package sharpeyes_test

import (
	"testing"

	"github.com/sharpeyes/sharpeyes"
)

func TestSilenceMatchesWhatItsFilterMatches(t *testing.T) {
	cam := &sharpeyes.Camera{ID: "cam-1", Region: "荷塘区/月塘街道/网格12", Uplink: "SW-1", Maintainer: "甲公司"}
	tests := []struct {
		name string
		s    sharpeyes.Silence
		want bool
	}{
		{"no matchers covers nothing", sharpeyes.Silence{}, false},
		{"camera", sharpeyes.Silence{CameraID: "cam-1"}, true},
		{"other camera", sharpeyes.Silence{CameraID: "cam-2"}, false},
		{"region prefix", sharpeyes.Silence{Region: "荷塘区/月塘街道"}, true},
		{"region prefix on whole segments", sharpeyes.Silence{Region: "荷塘区/月塘"}, false},
		{"uplink", sharpeyes.Silence{Uplink: "SW-1"}, true},
		{"maintainer and other uplink", sharpeyes.Silence{Maintainer: "甲公司", Uplink: "SW-2"}, false},
		{"camera and maintainer", sharpeyes.Silence{CameraID: "cam-1", Maintainer: "甲公司"}, true},
	}
	for _, tc := range tests {
		if got := tc.s.Matches(cam); got != tc.want {
			t.Errorf("%s: Matches = %v, want %v", tc.name, got, tc.want)
		}
	}
}
