package sharpeyes_test

import (
	"testing"

	"github.com/sharpeyes/sharpeyes"
)

func TestRedactURLHidesPasswordsAndQueryValues(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{"https://oapi.dingtalk.com/robot/send?access_token=TOK", "https://oapi.dingtalk.com/robot/send?access_token=xxxxx"},
		{"redis://user:pw@10.0.0.5:6379/0", "redis://user:xxxxx@10.0.0.5:6379/0"},
		{"rediss://:pw@h:6380/1?password=pw2", "rediss://:xxxxx@h:6380/1?password=xxxxx"},
		{"https://h/x#frag-secret", "https://h/x"},
		{"https://h/x", "https://h/x"},
		{"redis:pw@host", "<unparsable url>"},
		{"http://u:pw%zz@h/", "<unparsable url>"},
	}
	for _, tc := range tests {
		if got := sharpeyes.RedactURL(tc.in); got != tc.want {
			t.Errorf("RedactURL(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
