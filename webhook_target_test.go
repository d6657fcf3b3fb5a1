package sharpeyes_test

import (
	"errors"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sharpeyes/sharpeyes"
)

// normalizeURL runs the one webhook validation on a webhook with url raw.
func normalizeURL(raw string, allow sharpeyes.Networks) error {
	w := sharpeyes.Webhook{Name: "ops", URL: raw}
	return w.Normalize(time.Hour, allow)
}

func TestWebhookURLsOfInternalTargetsAreRefusedInEveryForm(t *testing.T) {
	refused := []string{
		"http://169.254.169.254/latest/meta-data/",           // AWS, Azure, GCP, Huawei, Oracle metadata
		"http://169.254.170.2/v2/credentials",                // ECS task metadata
		"http://[fd00:ec2::254]/latest/meta-data/",           // AWS IMDS over IPv6 (a ULA, else allowed)
		"http://[fd20:ce::254]/",                             // GCP metadata over IPv6
		"http://100.100.100.200/latest/meta-data/",           // Alibaba Cloud metadata
		"http://168.63.129.16/machine?comp=goalstate",        // Azure WireServer
		"http://metadata.google.internal/computeMetadata/v1", // metadata names
		"http://METADATA.google.internal./x",
		"http://metadata/x",
		"http://metadata.goog/x",
		"http://metadata.tencentyun.com/latest/meta-data/",
		"http://instance-data/latest/",
		"http://127.0.0.1:6379/",           // loopback: Redis
		"http://127.1.2.3/",                // all of 127/8
		"http://[::1]:6379/",               // IPv6 loopback
		"http://localhost:6379/",           // loopback names
		"http://redis.localhost/",          //
		"http://2130706433/",               // decimal 127.0.0.1
		"http://0x7f000001/",               // hexadecimal
		"http://017700000001/",             // octal
		"http://0177.0.0.1/",               // octal dotted
		"http://0x7f.0x0.0x0.0x1/",         // hexadecimal dotted
		"http://127.1/",                    // short form
		"http://0251.0376.0251.0376/",      // octal 169.254.169.254
		"http://2852039166/",               // decimal 169.254.169.254
		"http://[::ffff:127.0.0.1]/",       // IPv4-mapped loopback
		"http://[::ffff:7f00:1]/",          // the same, in hex
		"http://[::ffff:169.254.169.254]/", // IPv4-mapped metadata
		"http://[64:ff9b::127.0.0.1]/",     // NAT64 well-known prefix
		"http://[64:ff9b::a9fe:a9fe]/",     // NAT64 of 169.254.169.254
		"http://[64:ff9b:1:7f00:0:100::]/", // NAT64 local-use prefix of 127.0.0.1
		"http://0.0.0.0:8080/",             // unspecified
		"http://0/",                        // decimal 0.0.0.0
		"http://[::]/",                     //
		"http://0.1.2.3/",                  // 0/8
		"http://169.254.1.1/",              // link-local
		"http://[fe80::1%25eth0]/",         // IPv6 link-local with zone
		"http://224.0.0.1/",                // multicast
		"http://239.255.255.250:1900/",     // SSDP
		"http://255.255.255.255/",          // broadcast
		"http://[ff02::1]/",                // IPv6 multicast
		"http://8.8.010.8/",                // octal part: resolvers disagree, refused even if public
		"http://1.2.3.4.5/",                // not an address
	}
	for _, raw := range refused {
		t.Run(raw, func(t *testing.T) {
			err := normalizeURL(raw, nil)
			if err == nil {
				t.Fatalf("accepted %s", raw)
			}
			if !errors.Is(err, sharpeyes.ErrTargetRefused) && !strings.Contains(err.Error(), sharpeyes.ErrTargetRefused.Error()) {
				t.Fatalf("error %v does not say the target is refused", err)
			}
		})
	}
	allowed := []string{
		"https://oapi.dingtalk.com/robot/send?access_token=t",
		"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k",
		"http://10.20.30.40:8080/relay",   // private ranges stay allowed: relays sit there
		"http://172.16.5.5/x",             //
		"http://192.168.1.10/x",           //
		"http://[fd12:3456::10]/x",        // ULA
		"http://100.64.0.10/x",            // carrier-grade NAT, not Alibaba's metadata
		"http://8.8.8.8/",                 // a public address
		"http://[2001:db8::1]/",           //
		"http://[::ffff:10.0.0.1]/",       // IPv4-mapped private
		"http://metadata.example.com/x",   // a name that only starts like one
		"http://relay-127.example.cn/x",   //
		"http://1e100.net/",               // a name whose last label is not a number
		"http://alerts.city.gov.cn:8443/", //
	}
	for _, raw := range allowed {
		t.Run(raw, func(t *testing.T) {
			if err := normalizeURL(raw, nil); err != nil {
				t.Fatalf("refused %s: %v", raw, err)
			}
		})
	}
}

func TestAllowNetworksAdmitsOnlyTheListedNetworks(t *testing.T) {
	allow, err := sharpeyes.ParseNetworks([]string{"127.0.0.0/8", "fd00:ec2::/32"})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		url string
		ok  bool
	}{
		{"http://127.0.0.1:6379/", true},
		{"http://[::ffff:127.0.0.1]/", true},
		{"http://localhost:8080/", true},
		{"http://[fd00:ec2::254]/", true},
		{"http://[::1]/", false},
		{"http://169.254.169.254/", false},
		{"http://metadata.google.internal/", false}, // names are never in a CIDR
		{"http://2130706433/", false},               // non-standard forms stay refused
	}
	for _, tc := range cases {
		if err := normalizeURL(tc.url, allow); (err == nil) != tc.ok {
			t.Errorf("%s: err %v, want ok %v", tc.url, err, tc.ok)
		}
	}
	if _, err := sharpeyes.ParseNetworks([]string{"10.0.0.0/8", "127.0.0.1"}); err == nil || !strings.HasPrefix(err.Error(), "[1]: ") {
		t.Fatalf("ParseNetworks of a bare address: %v, want [1] named", err)
	}
}

func TestCheckWebhookAddrSeesThroughMappedAndNAT64Forms(t *testing.T) {
	for _, s := range []string{"127.0.0.1", "::1", "::ffff:127.0.0.1", "64:ff9b::7f00:1", "169.254.169.254",
		"fe80::1%eth0", "0.0.0.0", "::", "ff05::2", "100.100.100.200"} {
		if err := sharpeyes.CheckWebhookAddr(netip.MustParseAddr(s), nil); !errors.Is(err, sharpeyes.ErrTargetRefused) {
			t.Errorf("%s: %v, want refused", s, err)
		}
	}
	for _, s := range []string{"10.0.0.1", "192.168.0.1", "2400:3200::1", "64:ff9b::808:808"} {
		if err := sharpeyes.CheckWebhookAddr(netip.MustParseAddr(s), nil); err != nil {
			t.Errorf("%s: %v, want allowed", s, err)
		}
	}
}

// FuzzWebhookURLCheck: whatever the URL, the check does not panic, never
// repeats the URL's query (it may hold a token) and never accepts a host
// that is, or is written as, a refused address.
func FuzzWebhookURLCheck(f *testing.F) {
	for _, s := range []string{
		"http://127.0.0.1:6379/?access_token=TOK", "http://2130706433/", "http://0x7f.1/", "http://[::ffff:7f00:1]/",
		"http://[64:ff9b::a9fe:a9fe]/", "http://metadata.google.internal./", "https://oapi.dingtalk.com/robot/send?access_token=TOK",
		"http://10.0.0.1:8080/x", "http://[fe80::1%25en0]:80/", "http://0/", "http://1.2.3.4.5/", "http://0x/", "http://08/",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		err := sharpeyes.CheckWebhookURL(raw, nil)
		u, perr := url.Parse(raw)
		if perr != nil {
			return
		}
		if err != nil && u.RawQuery != "" && len(u.RawQuery) > 8 && strings.Contains(err.Error(), u.RawQuery) {
			t.Fatalf("error %q repeats the query", err)
		}
		if err == nil {
			if ip, aerr := netip.ParseAddr(u.Hostname()); aerr == nil && sharpeyes.CheckWebhookAddr(ip, nil) != nil {
				t.Fatalf("accepted %q, whose host is a refused address", raw)
			}
		}
	})
}
