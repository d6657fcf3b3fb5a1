package alert_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/store"
)

func TestRefusedDeliveryIsDeadLetteredWithItsAttemptAndTheStartOfTheAnswer(t *testing.T) {
	const secret, token = "hook-secret-123", "tok-456"
	h := newHarness(t)
	rc := newReceiver(t)
	// The answer echoes what it was sent, secrets included, and is long.
	answer := `{"error":"bad alert","echo":"secret=` + secret + ` url=/hook?token=` + token + `"}` + strings.Repeat("x", 2000)
	rc.setFail(func(n int, w http.ResponseWriter, r *http.Request) bool {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte(answer))
		return true
	})
	hook := jsonHook("j", rc.URL+"/hook?token="+token)
	hook.Secret = secret
	d := h.dispatcher(h.options(hook))
	h.run(d)
	id := h.cameras("月塘路", 1, "", "荷塘区", "")[0]
	h.setState(sharpeyes.StateDown, sharpeyes.ReasonTimeout, time.Now().UTC(), id)

	var dls []store.Delivery
	waitFor(t, "a dead letter", func() bool {
		var err error
		dls, err = h.store.DeadLetters(context.Background(), "j", 10)
		if err != nil {
			t.Fatal(err)
		}
		return len(dls) > 0
	})
	dl := dls[0]
	if dl.Attempts != 1 || rc.attemptCount() != 1 {
		t.Errorf("attempts %d (receiver saw %d), want 1", dl.Attempts, rc.attemptCount())
	}
	if !strings.HasPrefix(dl.LastError, `receiver answered 400: {"error":"bad alert"`) {
		t.Errorf("last_error %q, want the status and the start of the answer", dl.LastError)
	}
	if strings.Contains(dl.LastError, secret) || strings.Contains(dl.LastError, token) {
		t.Errorf("last_error shows a secret: %q", dl.LastError)
	}
	if n := len(dl.LastError); n > 600 || n < 500 {
		t.Errorf("last_error is %d bytes, want about the first 512 of the answer", n)
	}
	h.assertNoSecret(secret)
	h.assertNoSecret(token)
}
