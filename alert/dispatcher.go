package alert

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/store"
)

// Defaults of Options.
const (
	DefaultGroupWindow    = 30 * time.Second
	DefaultGroupMin       = 5
	DefaultMaxAge         = 24 * time.Hour
	DefaultAttemptTimeout = 10 * time.Second
	DefaultRetryBase      = time.Second
	DefaultRetryMax       = 5 * time.Minute
	DefaultPollInterval   = time.Second
	DefaultWorkers        = 4
	DefaultLeaseTTL       = 15 * time.Second
	DefaultResendInterval = time.Minute
)

// Options configure a Dispatcher. Store is required; zero values take the
// defaults above.
type Options struct {
	Store  *store.Store
	Logger *slog.Logger // nil discards logs
	Now    func() time.Time
	// PublicURL is where people reach this sharpeyes (links in messages).
	PublicURL string
	// Webhooks of the config file; more are added through the API.
	Webhooks []Webhook
	// GroupWindow is how long camera.down events are buffered to see
	// whether GroupMin or more of one uplink (or township) go down
	// together, which then makes one group.down.
	GroupWindow time.Duration
	GroupMin    int
	// MaxAge is how long a delivery is retried before it becomes a dead
	// letter.
	MaxAge time.Duration
	// OnCall maps a maintainer to the mobiles @-mentioned for its cameras.
	OnCall map[string][]string
	// Location is the zone of the times in message texts (nil: UTC).
	Location *time.Location
	// AllowNetworks is alerts.allow_networks: the networks webhooks may
	// reach although they are loopback, link-local, unspecified,
	// multicast or cloud metadata addresses. Default none.
	AllowNetworks sharpeyes.Networks
	// Lookup resolves receivers' names at each connection (nil: the
	// system resolver).
	Lookup LookupFunc
	// AttemptTimeout bounds one delivery attempt.
	AttemptTimeout time.Duration
	// RetryBase and RetryMax shape the exponential backoff with jitter.
	RetryBase, RetryMax time.Duration
	// PollInterval is how often queues and pending groups are checked.
	PollInterval time.Duration
	// Workers is how many webhooks one process delivers to at once.
	Workers int
	// LeaseTTL is how long the stream consumer lease and a delivery lock
	// outlive a process that died holding them.
	LeaseTTL time.Duration
	// Instance names this process in leases (default host-pid-random).
	Instance string
	// Source overrides the events stream (tests).
	Source Source
	// ResendInterval is how often the alerts open at an alertmanager
	// webhook are posted again, so that Alertmanager (resolve_timeout,
	// default 5m) keeps them firing while the outage lasts (resend.go).
	ResendInterval time.Duration
	// MaxActiveSilences caps the silences not yet ended (default
	// DefaultMaxActiveSilences); creating one more answers 409.
	MaxActiveSilences int
}

// Dispatcher consumes events and delivers alerts; see the package doc.
type Dispatcher struct {
	opts       Options
	store      *store.Store
	log        *slog.Logger
	now        func() time.Time
	config     []Webhook
	configByID map[string]int
	src        Source
	client     *http.Client
	metrics    *metrics
	wake       chan struct{}
}

// New returns a Dispatcher, or an error naming the first invalid config
// webhook (by index and name; never its secret or URL query).
func New(o Options) (*Dispatcher, error) {
	if o.Store == nil {
		return nil, errors.New("alert: no store")
	}
	o = withDefaults(o)
	d := &Dispatcher{opts: o, store: o.Store, log: o.Logger, now: o.Now, src: o.Source,
		client: NewClient(o.AllowNetworks, o.Lookup), metrics: newMetrics(), wake: make(chan struct{}, 1),
		configByID: make(map[string]int)}
	for i, w := range o.Webhooks {
		if w.ID == "" {
			w.ID = w.Name
		}
		if err := w.Normalize(o.MaxAge, o.AllowNetworks); err != nil {
			var fields sharpeyes.ValidationError
			errors.As(err, &fields)
			return nil, fmt.Errorf("alert: invalid webhook %d (%s): %w", i, w.ID, fields[0])
		}
		if w.ID == "" {
			return nil, fmt.Errorf("alert: webhook %d has no name", i)
		}
		if _, dup := d.configByID[w.ID]; dup {
			return nil, fmt.Errorf("alert: webhook name %q is used twice", w.ID)
		}
		w.Source = "config"
		d.configByID[w.ID] = len(d.config)
		d.config = append(d.config, w)
	}
	if d.src == nil {
		d.src = streamSource{s: o.Store}
	}
	return d, nil
}

func withDefaults(o Options) Options {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	o.PublicURL = strings.TrimRight(o.PublicURL, "/")
	setDefault(&o.GroupWindow, DefaultGroupWindow)
	setDefault(&o.GroupMin, DefaultGroupMin)
	setDefault(&o.MaxAge, DefaultMaxAge)
	setDefault(&o.AttemptTimeout, DefaultAttemptTimeout)
	setDefault(&o.RetryBase, DefaultRetryBase)
	setDefault(&o.RetryMax, DefaultRetryMax)
	setDefault(&o.PollInterval, DefaultPollInterval)
	setDefault(&o.Workers, DefaultWorkers)
	setDefault(&o.LeaseTTL, DefaultLeaseTTL)
	setDefault(&o.ResendInterval, DefaultResendInterval)
	if o.Instance == "" {
		host, _ := os.Hostname()
		b := make([]byte, 4)
		_, _ = rand.Read(b)
		o.Instance = fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b))
	}
	return o
}

func setDefault[T int | time.Duration](v *T, def T) {
	if *v <= 0 {
		*v = def
	}
}

// Run consumes events and delivers alerts until ctx is done, then returns
// nil. Redis errors are logged and retried, never fatal.
func (d *Dispatcher) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); newConsumer(d).run(ctx) }()
	go func() { defer wg.Done(); d.deliverLoop(ctx) }()
	wg.Wait()
	return nil
}

// kick wakes the delivery loop after an enqueue.
func (d *Dispatcher) kick() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// sleep waits for dur or until ctx is done; it reports whether ctx is
// still live.
func sleep(ctx context.Context, dur time.Duration) bool {
	t := time.NewTimer(dur)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
