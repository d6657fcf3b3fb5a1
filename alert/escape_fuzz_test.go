package alert

import (
	"strings"
	"testing"
)

var escapeSeeds = []string{
	"[紧急：点此登录处理](http://evil.example/login)",
	"<font color=red>已恢复</font>",
	"`code` # 标题 - 列表 @all <@userid>",
	`<at user_id="all">所有人</at>`,
	"- 伪造列表项", "  + 缩进", "1. 有序", "> 引用", "= 等号",
	"**加粗** ~~删除~~ __下划线__ www.evil.example WWW.x",
	`\*already escaped\*`, "&lt;b&gt;", "![图](x.png)", "a|b", "***", "<<", "wwww.", ":///",
	"月塘路与车站路口1号", "",
}

// unescapeMarkdown reads s as markdown text: a backslash shows the next
// character. It reports false when a markup character of the dialect
// stands unescaped.
func unescapeMarkdown(s string) (string, bool) {
	var b strings.Builder
	start := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s):
			i++
			c = s[i]
		case strings.IndexByte(markdownInline, c) >= 0,
			start && strings.IndexByte(markdownLineStart, c) >= 0:
			return "", false
		}
		if c != ' ' {
			start = false
		}
		b.WriteByte(c)
	}
	return b.String(), true
}

// FuzzEscapeMarkdown: the escaped text holds no unescaped markup
// character of DingTalk's dialect, and shows exactly the input.
func FuzzEscapeMarkdown(f *testing.F) {
	for _, s := range escapeSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := escapeMarkdown(s)
		back, ok := unescapeMarkdown(out)
		if !ok {
			t.Fatalf("escapeMarkdown(%q) = %q leaves markup unescaped", s, out)
		}
		if back != s {
			t.Fatalf("escapeMarkdown(%q) = %q shows %q", s, out, back)
		}
	})
}

// FuzzDefangText: the text holds none of the sequences Feishu and WeCom
// act on, and without its word joiners reads as the input.
func FuzzDefangText(f *testing.F) {
	for _, s := range escapeSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out := defangText(s)
		if got, want := strings.ReplaceAll(out, wordJoiner, ""), strings.ReplaceAll(s, wordJoiner, ""); got != want {
			t.Fatalf("defangText(%q) = %q reads %q", s, out, got)
		}
		plain := strings.ReplaceAll(out, "<"+wordJoiner, "")
		for _, seq := range []string{"<", "](", "**", "__", "~~", "://"} {
			if strings.Contains(plain, seq) {
				t.Fatalf("defangText(%q) = %q holds %q", s, out, seq)
			}
		}
		if strings.Contains(strings.ToLower(out), "www.") {
			t.Fatalf("defangText(%q) = %q holds www.", s, out)
		}
	})
}
