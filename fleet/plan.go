package fleet

import (
	"math"
	"math/rand/v2"

	"github.com/sharpeyes/sharpeyes"
)

// plan is what every camera of a fleet is: probe kind, lifecycle, owner and
// initial behaviour, all drawn deterministically from Config.Seed.
type plan struct {
	kinds      []sharpeyes.ProbeKind
	lifecycles []sharpeyes.Lifecycle
	owners     []sharpeyes.Owner
	behaviors  []Behavior
	// short counts, per behaviour, the cameras Mix asked for that had no
	// eligible camera left.
	short map[Behavior]int
}

func newRand(seed int64, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), stream))
}

func newPlan(cfg Config) plan {
	rng := newRand(cfg.Seed, 1)
	n := cfg.Cameras
	p := plan{short: map[Behavior]int{}}
	p.kinds = deal(rng, n, cfg.Kinds, sharpeyes.ProbeKinds, sharpeyes.ProbeRTSP)
	p.lifecycles = deal(rng, n, cfg.Lifecycles, sharpeyes.Lifecycles, sharpeyes.Active)
	p.owners = make([]sharpeyes.Owner, n)
	for i := range p.owners {
		switch x := rng.Float64(); {
		case x < 0.55:
			p.owners[i] = sharpeyes.OwnerPolice
		case x < 0.85:
			p.owners[i] = sharpeyes.OwnerGovernment
		default:
			p.owners[i] = sharpeyes.OwnerSocial
		}
	}
	p.dealBehaviors(rng, cfg.Mix)
	return p
}

// deal returns n values with round(fraction*n) of each key of order (the
// rest def), shuffled.
func deal[K comparable](rng *rand.Rand, n int, fractions map[K]float64, order []K, def K) []K {
	out := make([]K, 0, n)
	for _, k := range order {
		if k == def {
			continue
		}
		for c := count(fractions[k], n); c > 0 && len(out) < n; c-- {
			out = append(out, k)
		}
	}
	for len(out) < n {
		out = append(out, def)
	}
	rng.Shuffle(n, func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

func count(fraction float64, n int) int { return int(math.Round(fraction * float64(n))) }

// dealBehaviors gives each behaviour of mix to round(fraction*n) cameras,
// chosen at random among the probed ones (active, building) whose kind
// shows it; cameras that get none are OK.
func (p *plan) dealBehaviors(rng *rand.Rand, mix map[Behavior]float64) {
	n := len(p.kinds)
	p.behaviors = make([]Behavior, n)
	for i := range p.behaviors {
		p.behaviors[i] = OK
	}
	perm := rng.Perm(n)
	for _, b := range dealOrder {
		want := count(mix[b], n)
		for _, i := range perm {
			if want == 0 {
				break
			}
			if p.behaviors[i] == OK && p.lifecycles[i].Probed() && isEligible(b, p.kinds[i]) {
				p.behaviors[i] = b
				want--
			}
		}
		if want > 0 {
			p.short[b] = want
		}
	}
}
