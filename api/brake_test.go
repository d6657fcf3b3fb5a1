package api_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes/api"
	"github.com/sharpeyes/sharpeyes/internal/testclock"
)

// clientFrom returns an HTTP client whose connections come from the given
// loopback address, so that one test can play several clients.
func clientFrom(ip string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 5 * time.Second}
	return &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		return d.DialContext(ctx, network, addr)
	}}}
}

func getWith(t *testing.T, c *http.Client, url, token string) *http.Response {
	t.Helper()
	req, err := http.NewRequest("GET", url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res
}

// An address that sent 20 bad tokens within a minute gets 429 with
// Retry-After for every token, right or wrong (so the answer tells the
// guesser nothing); other addresses are not locked out, and the brake
// lifts when the minute has passed.
func TestTokenGuessingGets429PerAddress(t *testing.T) {
	clock := testclock.New(time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC))
	a := newAPI(t, func(d *api.Deps) { d.Now = clock.Now })
	url := a.URL + "/api/v1/cameras"
	guesser, other := clientFrom("127.0.0.1"), clientFrom("127.0.0.2")
	for i := range api.MaxBadTokens {
		if res := getWith(t, guesser, url, "guess-"+strconv.Itoa(i)); res.StatusCode != 401 {
			t.Fatalf("bad token %d: %d, want 401", i+1, res.StatusCode)
		}
		clock.Advance(time.Second)
	}
	for _, token := range []string{"guess-x", viewerToken} {
		res := getWith(t, guesser, url, token)
		retry, _ := strconv.Atoi(res.Header.Get("Retry-After"))
		if res.StatusCode != 429 || retry < 1 || retry > 60 {
			t.Fatalf("after %d bad tokens, token %q: %d, Retry-After %q; want 429 within a minute",
				api.MaxBadTokens, token[:6], res.StatusCode, res.Header.Get("Retry-After"))
		}
	}
	if res := getWith(t, other, url, viewerToken); res.StatusCode != 200 {
		t.Fatalf("another address with a good token: %d, want 200", res.StatusCode)
	}
	if res := getWith(t, other, url, "guess-y"); res.StatusCode != 401 {
		t.Fatalf("another address with a bad token: %d, want 401", res.StatusCode)
	}
	clock.Advance(time.Minute)
	if res := getWith(t, guesser, url, viewerToken); res.StatusCode != 200 {
		t.Fatalf("a minute later: %d, want 200", res.StatusCode)
	}
}
