package sharpeyes_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/sharpeyes/sharpeyes"
)

// Every limit of SPEC "Camera record": lengths, tag counts, control
// characters and bidi overrides in any text field are rejected naming the
// field; values at the limit pass.
func TestNormalizeEnforcesFieldLimits(t *testing.T) {
	tags := func(n, klen, vlen int) map[string]string {
		m := make(map[string]string, n)
		for i := range n {
			k := fmt.Sprintf("%d", i)
			m[k+strings.Repeat("k", klen-len(k))] = strings.Repeat("v", vlen)
		}
		return m
	}
	tests := []struct {
		name   string
		change func(c *sharpeyes.Camera)
		bad    []string
	}{
		{"path 1024 bytes", func(c *sharpeyes.Camera) { c.Path = "/" + strings.Repeat("p", 1023) }, nil},
		{"path 1025 bytes", func(c *sharpeyes.Camera) { c.Path = "/" + strings.Repeat("p", 1024) }, []string{"path"}},
		{"path 10 MB", func(c *sharpeyes.Camera) { c.Path = strings.Repeat("p", 10<<20) }, []string{"path"}},
		{"maintainer 128 chars", func(c *sharpeyes.Camera) { c.Maintainer = strings.Repeat("运", 128) }, nil},
		{"maintainer 129 chars", func(c *sharpeyes.Camera) { c.Maintainer = strings.Repeat("运", 129) }, []string{"maintainer"}},
		{"uplink 129 chars", func(c *sharpeyes.Camera) { c.Uplink = strings.Repeat("u", 129) }, []string{"uplink"}},
		{"32 tags at the limits", func(c *sharpeyes.Camera) { c.Tags = tags(32, 64, 256) }, nil},
		{"33 tags", func(c *sharpeyes.Camera) { c.Tags = tags(33, 2, 1) }, []string{"tags"}},
		{"200000 tags", func(c *sharpeyes.Camera) { c.Tags = tags(200_000, 6, 1) }, []string{"tags"}},
		{"tag key 65 chars", func(c *sharpeyes.Camera) { c.Tags = tags(1, 65, 1) }, []string{"tags"}},
		{"tag value 257 chars", func(c *sharpeyes.Camera) { c.Tags = tags(1, 1, 257) }, []string{"tags"}},
		{"empty tag key", func(c *sharpeyes.Camera) { c.Tags = map[string]string{"": "x"} }, []string{"tags"}},
		{"username 128", func(c *sharpeyes.Camera) { c.Secret.Username = strings.Repeat("u", 128) }, nil},
		{"username 129", func(c *sharpeyes.Camera) { c.Secret.Username = strings.Repeat("u", 129) }, []string{"username"}},
		{"password 256 bytes", func(c *sharpeyes.Camera) { c.Secret.Password = strings.Repeat("p", 256) }, nil},
		{"password 257 bytes", func(c *sharpeyes.Camera) { c.Secret.Password = strings.Repeat("p", 257) }, []string{"password"}},
		{"name with CR LF", func(c *sharpeyes.Camera) { c.Name = "东门\r\n### 已恢复" }, []string{"name"}},
		{"name with NUL", func(c *sharpeyes.Camera) { c.Name = "东\x00门" }, []string{"name"}},
		{"name with DEL", func(c *sharpeyes.Camera) { c.Name = "东\x7f门" }, []string{"name"}},
		{"name with bidi override", func(c *sharpeyes.Camera) { c.Name = "东门\u202egnp.exe" }, []string{"name"}},
		{"maintainer with isolate", func(c *sharpeyes.Camera) { c.Maintainer = "a\u2066b" }, []string{"maintainer"}},
		{"region with newline", func(c *sharpeyes.Camera) { c.Region = "荷塘区/月塘\n街道" }, []string{"region"}},
		{"uplink with tab", func(c *sharpeyes.Camera) { c.Uplink = "SW\t1" }, []string{"uplink"}},
		{"path with CR", func(c *sharpeyes.Camera) { c.Path = "/live\r\nX-Injected: 1" }, []string{"path"}},
		{"tag value with LF", func(c *sharpeyes.Camera) { c.Tags = map[string]string{"k": "a\nb"} }, []string{"tags"}},
		{"password with LF", func(c *sharpeyes.Camera) { c.Secret.Password = "pw\n" }, []string{"password"}},
		{"chinese and emoji pass", func(c *sharpeyes.Camera) { c.Name, c.Maintainer = "东门 🎥 (北)", "某某科技有限公司" }, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := validCamera()
			tt.change(&c)
			err := c.Normalize()
			var got []string
			if err != nil {
				ve, ok := err.(sharpeyes.ValidationError)
				if !ok {
					t.Fatalf("error %v is a %T, want ValidationError", err, err)
				}
				for _, fe := range ve {
					got = append(got, fe.Field)
					if len(fe.Message) > 200 {
						t.Errorf("message of %s is %d bytes: a bad value must not be echoed whole", fe.Field, len(fe.Message))
					}
				}
			}
			if !reflect.DeepEqual(got, tt.bad) {
				t.Fatalf("bad fields: got %v, want %v", got, tt.bad)
			}
		})
	}
}
