package probe

import (
	"bytes"
	"context"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
)

// leanCamera answers RTSP with few allocations of its own, so that the
// benchmark's allocs/op are mostly the client's. With digest it asks for
// credentials and accepts any Authorization header (fakeCamera checks them
// in TestRTSP).
func leanCamera(digest bool) func(net.Conn) {
	return func(c net.Conn) {
		buf, out := make([]byte, 4096), make([]byte, 0, 1024)
		n := 0
		for {
			end := bytes.Index(buf[:n], []byte("\r\n\r\n"))
			if end < 0 {
				m, err := c.Read(buf[n:])
				if err != nil {
					return
				}
				n += m
				continue
			}
			req := buf[:end]
			cseq := req[bytes.Index(req, []byte("CSeq: "))+6:]
			cseq = cseq[:bytes.IndexByte(cseq, '\r')]
			out = append(append(out[:0], "RTSP/1.0 200 OK\r\nCSeq: "...), cseq...)
			switch {
			case digest && bytes.HasPrefix(req, []byte("DESCRIBE")) && !bytes.Contains(req, []byte("Authorization:")):
				out = append(append(append(out[:0], "RTSP/1.0 401 Unauthorized\r\nCSeq: "...), cseq...),
					"\r\nWWW-Authenticate: Digest realm=\"cam\", nonce=\"abc\", qop=\"auth\"\r\n\r\n"...)
			case bytes.HasPrefix(req, []byte("DESCRIBE")):
				out = append(out, "\r\nContent-Type: application/sdp\r\nContent-Length: "...)
				out = append(strconv.AppendInt(out, int64(len(videoSDP)), 10), "\r\n\r\n"+videoSDP...)
			default:
				out = append(out, "\r\nPublic: OPTIONS, DESCRIBE\r\n\r\n"...)
			}
			if _, err := c.Write(out); err != nil {
				return
			}
			n = copy(buf, buf[end+4:n])
		}
	}
}

func BenchmarkRTSPProbe(b *testing.B) {
	for _, bc := range []struct {
		name   string
		digest bool
	}{{"plain", false}, {"digest", true}} {
		b.Run(bc.name, func(b *testing.B) {
			host, port := serve(b, leanCamera(bc.digest))
			target := Target{Kind: sharpeyes.ProbeRTSP, Host: host, Port: port, Path: "/live", Username: "admin", Password: testPassword}
			b.ReportAllocs()
			for b.Loop() {
				ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
				res := RTSP(ctx, target)
				cancel()
				if res.State != sharpeyes.StateUp {
					b.Fatalf("probe: %s %s", res.Reason, res.Detail)
				}
			}
		})
	}
}
