package inventory

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

// bufSize is the read-ahead of the input. The encoding is decided on the
// first non-ASCII byte from up to this much text.
const bufSize = 64 << 10

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	replaced   = []byte(string(utf8.RuneError))
	errNotText = errors.New("the file is neither UTF-8 nor GBK (GB18030): save it as \"CSV UTF-8\"")
)

type charset int

const (
	undecided charset = iota // only ASCII so far: it reads the same either way
	isUTF8
	isGBK
)

// textReader turns CSV bytes into UTF-8 text as they stream. It drops a
// UTF-8 BOM; otherwise the first non-ASCII byte decides: if the text from
// there is valid UTF-8 the file is UTF-8, else it is decoded as GB18030 (a
// superset of GBK). Text that later turns out to be neither fails with an
// error naming the line.
type textReader struct {
	br      *bufio.Reader
	mode    charset
	gbk     io.Reader
	checked int // bytes at the head of br already known to be valid UTF-8
	line    int // the line being read, 1-based
}

func newTextReader(br *bufio.Reader) (*textReader, error) {
	r := &textReader{br: br, line: 1}
	head, err := br.Peek(3)
	if err != nil && err != io.EOF {
		return nil, err
	}
	switch {
	case bytes.HasPrefix(head, bomUTF8):
		_, _ = br.Discard(3)
		r.mode = isUTF8
	case len(head) >= 2 && (head[0] == 0xFF && head[1] == 0xFE || head[0] == 0xFE && head[1] == 0xFF):
		return nil, errFile(1, "", "the file is UTF-16 (Excel's \"Unicode text\"), neither UTF-8 nor GBK: save it as \"CSV UTF-8\"")
	}
	return r, nil
}

func (r *textReader) Read(p []byte) (int, error) {
	var n int
	var err error
	if r.mode == isGBK {
		n, err = r.gbk.Read(p)
	} else {
		n, err = r.readUTF8(p)
	}
	r.line += bytes.Count(p[:n], []byte{'\n'})
	if errors.Is(err, errNotText) {
		err = errFile(r.line, "", "%v", errNotText)
	}
	return n, err
}

// readUTF8 passes on bytes checked to be valid UTF-8, deciding the charset
// on the first non-ASCII byte while still undecided.
func (r *textReader) readUTF8(p []byte) (int, error) {
	if r.checked == 0 {
		b, err := r.br.Peek(bufSize)
		if len(b) == 0 {
			return 0, err
		}
		atEOF := err == io.EOF
		if r.mode == undecided {
			i := indexNonASCII(b)
			if i == 0 {
				return r.decide(b, atEOF, p)
			}
			if i > 0 {
				b, atEOF = b[:i], true // the ASCII prefix is complete text
			}
		}
		n, bad := validUTF8(b, atEOF)
		switch {
		case n == 0 && bad:
			return 0, errNotText
		case n == 0:
			return 0, err // a rune cut off by a read error: report the read error
		}
		r.checked = n
	}
	b, _ := r.br.Peek(min(len(p), r.checked))
	n := copy(p, b)
	_, _ = r.br.Discard(n)
	r.checked -= n
	return n, nil
}

func (r *textReader) decide(b []byte, atEOF bool, p []byte) (int, error) {
	if _, bad := validUTF8(b, atEOF); !bad {
		r.mode = isUTF8
		return r.readUTF8(p)
	}
	r.mode = isGBK
	r.gbk = transform.NewReader(r.br, strictGB18030{simplifiedchinese.GB18030.NewDecoder()})
	return r.gbk.Read(p)
}

// validUTF8 returns the length of the valid UTF-8 prefix of b that ends on
// a rune boundary, and whether it stopped at an invalid byte (rather than
// at the end of b or at a rune cut off by the end of the buffer).
func validUTF8(b []byte, atEOF bool) (n int, bad bool) {
	for n < len(b) {
		if b[n] < utf8.RuneSelf {
			n++
			continue
		}
		r, size := utf8.DecodeRune(b[n:])
		if r == utf8.RuneError && size <= 1 {
			return n, atEOF || utf8.FullRune(b[n:])
		}
		n += size
	}
	return n, false
}

func indexNonASCII(b []byte) int {
	for i, c := range b {
		if c >= utf8.RuneSelf {
			return i
		}
	}
	return -1
}

// strictGB18030 fails where the GB18030 decoder would write U+FFFD for
// bytes it cannot decode, instead of importing mangled text.
type strictGB18030 struct{ transform.Transformer }

func (d strictGB18030) Transform(dst, src []byte, atEOF bool) (int, int, error) {
	nDst, nSrc, err := d.Transformer.Transform(dst, src, atEOF)
	if i := bytes.Index(dst[:nDst], replaced); i >= 0 {
		return i, 0, errNotText
	}
	return nDst, nSrc, err
}
