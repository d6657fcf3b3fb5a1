package alert

import "strings"

// Text taken from camera records (names, regions, maintainers, uplinks,
// ids) goes into chat messages that the vendors render: DingTalk as
// markdown, Feishu and WeCom as text that still turns tags such as
// <at user_id="all"> and URLs into mentions and links. Anyone who may
// edit a camera could otherwise write a link, a colour or an @all into an
// alert (issue 9.7). Camera records cannot hold control characters, so no
// record starts a line of its own; what is left is inline markup, and the
// first characters of a list item. Each format escapes record text with
// the escaper of its dialect before it joins our own text; the json and
// alertmanager formats carry it as JSON strings for programs, unchanged.

// markdownInline are the characters that start or end inline markup in
// DingTalk's markdown (CommonMark and GFM: emphasis, code, strikethrough,
// links and images, raw HTML such as <font color=red>, entities, tables,
// headings) or make a URL or address into a link (":" of "http://", "."
// of "www.", "@" of an e-mail). A backslash before any of them shows the
// character itself.
const markdownInline = "\\`*_~[]()<>&@|#:.!"

// markdownLineStart are characters that open a block (list item, setext
// heading) when they come first in a list item, as a camera name does in
// "- name".
const markdownLineStart = "-+="

// escapeMarkdown returns s with every markup character of
// markdownInline, and those of markdownLineStart that come before any
// other character but spaces, preceded by a backslash, so that DingTalk
// shows s as written.
func escapeMarkdown(s string) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	start := true
	for i := 0; i < len(s); i++ { // bytes: every markup character is ASCII
		c := s[i]
		if strings.IndexByte(markdownInline, c) >= 0 || start && strings.IndexByte(markdownLineStart, c) >= 0 {
			b.WriteByte('\\')
		}
		if c != ' ' {
			start = false
		}
		b.WriteByte(c)
	}
	return b.String()
}

// wordJoiner is U+2060, an invisible character that breaks no line.
const wordJoiner = "\u2060"

// defangText returns s for a Feishu or WeCom text message: it looks the
// same, but none of it is read as a tag (<at user_id="all">, <a>, <b>), a
// markdown-like link or emphasis ([x](y), **x**, __x__, ~~x~~) or a link
// ("http://", "www."): each such sequence is split by a word joiner, which
// shows nothing.
func defangText(s string) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	for i := 0; i < len(s); i++ {
		c := s[i]
		b.WriteByte(c)
		next := byte(0)
		if i+1 < len(s) {
			next = s[i+1]
		}
		switch {
		case c == '<',
			c == ']' && next == '(',
			(c == '*' || c == '_' || c == '~') && next == c,
			c == ':' && strings.HasPrefix(s[i+1:], "//"),
			next == '.' && i >= 2 && strings.EqualFold(s[i-2:i+1], "www"):
			b.WriteString(wordJoiner)
		}
	}
	return b.String()
}

// keepText is the escaper of formats read by programs (json,
// alertmanager): JSON encoding is all the escaping they need.
func keepText(s string) string { return s }

// markdownLink makes link safe as the destination of [text](link):
// parentheses, spaces and angle brackets percent-encoded.
var markdownLink = strings.NewReplacer("(", "%28", ")", "%29", " ", "%20", "<", "%3C", ">", "%3E").Replace
