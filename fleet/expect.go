package fleet

import (
	"time"

	"github.com/sharpeyes/sharpeyes"
)

var (
	kindsServed = []sharpeyes.ProbeKind{sharpeyes.ProbeTCP, sharpeyes.ProbeRTSP, sharpeyes.ProbeONVIF, sharpeyes.ProbeHTTP}
	kindsTalk   = []sharpeyes.ProbeKind{sharpeyes.ProbeRTSP, sharpeyes.ProbeONVIF, sharpeyes.ProbeHTTP}
	kindsRTSP   = []sharpeyes.ProbeKind{sharpeyes.ProbeRTSP}
)

// eligible lists the probe kinds on which a behaviour shows, and so the
// cameras Config.Mix deals it to: a TCP probe only sees whether the connect
// succeeds, the rtsp_* behaviours are kept to RTSP cameras, clock drift
// needs ONVIF, and ICMP cameras always answer (the kernel does).
var eligible = map[Behavior][]sharpeyes.ProbeKind{
	Refused: kindsServed, Blackhole: kindsServed,
	Silent: kindsTalk, Reset: kindsTalk, Slow: kindsTalk, Garbage: kindsTalk,
	RTSP401: kindsRTSP, RTSP404: kindsRTSP, RTSP503: kindsRTSP, NoVideo: kindsRTSP,
	Drift: {sharpeyes.ProbeONVIF},
}

// dealOrder deals the behaviours with the fewest eligible kinds first, so
// that scarce cameras go to the behaviours that need them.
var dealOrder = []Behavior{Drift, NoVideo, RTSP401, RTSP404, RTSP503, Garbage, Silent, Reset, Slow, Blackhole, Refused}

func isEligible(b Behavior, k sharpeyes.ProbeKind) bool {
	for _, v := range eligible[b] {
		if v == k {
			return true
		}
	}
	return false
}

// expect is what a correct collector concludes for a camera of kind k with
// behaviour b, probing with the given timeout:
//
//	icmp                          up (the kernel answers pings)
//	refused, reset                down refused
//	blackhole, silent             down timeout (silent: tcp up)
//	slow                          up if delay < timeout, else down timeout
//	garbage                       degraded bad_response (tcp up)
//	rtsp_401, rtsp_404, rtsp_503  rtsp: degraded rtsp_401, rtsp_404, rtsp_5xx;
//	                              onvif, http: degraded http_status; tcp up
//	novideo                       rtsp: degraded no_video; others up
//	drift                         onvif: degraded clock_drift; others up
//	ok                            up
func expect(k sharpeyes.ProbeKind, b Behavior, delay, timeout time.Duration) (sharpeyes.State, string) {
	up, down, degraded := sharpeyes.StateUp, sharpeyes.StateDown, sharpeyes.StateDegraded
	switch {
	case k == sharpeyes.ProbeICMP || b == OK:
		return up, ""
	case b == Refused:
		return down, sharpeyes.ReasonRefused
	case b == Blackhole:
		return down, sharpeyes.ReasonTimeout
	case k == sharpeyes.ProbeTCP:
		return up, ""
	}
	switch b {
	case Reset:
		return down, sharpeyes.ReasonRefused
	case Silent:
		return down, sharpeyes.ReasonTimeout
	case Slow:
		if delay < timeout {
			return up, ""
		}
		return down, sharpeyes.ReasonTimeout
	case Garbage:
		return degraded, sharpeyes.ReasonBadResponse
	case RTSP401, RTSP404, RTSP503:
		if k != sharpeyes.ProbeRTSP {
			return degraded, sharpeyes.ReasonHTTPStatus
		}
		return degraded, map[Behavior]string{RTSP401: sharpeyes.ReasonRTSP401,
			RTSP404: sharpeyes.ReasonRTSP404, RTSP503: sharpeyes.ReasonRTSP5xx}[b]
	case NoVideo:
		if k == sharpeyes.ProbeRTSP {
			return degraded, sharpeyes.ReasonNoVideo
		}
	case Drift:
		if k == sharpeyes.ProbeONVIF {
			return degraded, sharpeyes.ReasonClockDrift
		}
	}
	return up, ""
}
