package gb28181

import (
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

func gbk(t testing.TB, s string) []byte {
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseMANSCDPReadsKeepaliveInEveryEncoding(t *testing.T) {
	const id = "34020000001320000001"
	keepalive := func(enc string) string {
		return `<?xml version="1.0" encoding="` + enc + `"?>
<Notify>
<CmdType>Keepalive</CmdType>
<SN>43</SN>
<DeviceID>` + id + `</DeviceID>
<Status>OK</Status>
<Info><DeviceID>ignored</DeviceID></Info>
</Notify>`
	}
	tests := []struct {
		name string
		body []byte
	}{
		{"utf-8", []byte(keepalive("UTF-8"))},
		{"no declaration", []byte(keepalive("UTF-8")[len(`<?xml version="1.0" encoding="UTF-8"?>`):])},
		{"gb2312", gbk(t, keepalive("GB2312"))},
		{"gbk", gbk(t, keepalive("GBK"))},
		{"gb18030", gbk(t, keepalive("GB18030"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := ParseMANSCDP(tt.body)
			if err != nil {
				t.Fatal(err)
			}
			want := Message{Root: "Notify", CmdType: "Keepalive", SN: "43", DeviceID: id, Status: "OK"}
			if m != want {
				t.Errorf("got %+v, want %+v", m, want)
			}
		})
	}
}

func TestParseMANSCDPDecodesChineseTextOfGB2312(t *testing.T) {
	body := gbk(t, `<?xml version="1.0" encoding="GB2312"?><Notify><CmdType>Alarm</CmdType><SN>1</SN><DeviceID>x</DeviceID><Status>越界</Status></Notify>`)
	m, err := ParseMANSCDP(body)
	if err != nil {
		t.Fatal(err)
	}
	if m.Status != "越界" {
		t.Errorf("status %q, want 越界", m.Status)
	}
}

func TestParseMANSCDPRefusesBadBodies(t *testing.T) {
	tests := []struct {
		name, body string
	}{
		{"empty", ""},
		{"no cmdtype", `<Notify><SN>1</SN></Notify>`},
		{"unknown encoding", `<?xml version="1.0" encoding="x-klingon"?><Notify><CmdType>Keepalive</CmdType></Notify>`},
		{"two roots", `<Notify><CmdType>Keepalive</CmdType></Notify><Notify></Notify>`},
		{"unclosed", `<Notify><CmdType>Keepalive</CmdType>`},
		{"too big", `<Notify><CmdType>Keepalive</CmdType>` + string(make([]byte, maxBody)) + `</Notify>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if m, err := ParseMANSCDP([]byte(tt.body)); err == nil {
				t.Errorf("no error, got %+v", m)
			}
		})
	}
}

func FuzzParseMANSCDP(f *testing.F) {
	f.Add([]byte(`<?xml version="1.0" encoding="GB2312"?><Notify><CmdType>Keepalive</CmdType><SN>1</SN><DeviceID>34020000001320000001</DeviceID><Status>OK</Status></Notify>`))
	f.Add(gbk(f, `<?xml version="1.0" encoding="GBK"?><Response><CmdType>Catalog</CmdType><SN>2</SN><DeviceID>34020000001320000001</DeviceID><DeviceList Num="1"><Item><Name>荷塘区</Name></Item></DeviceList></Response>`))
	f.Add([]byte(`<Notify><CmdType>Keepalive</CmdType>`))
	f.Add([]byte(`<?xml version="1.0" encoding="x-unknown"?><a/>`))
	f.Fuzz(func(t *testing.T, body []byte) {
		m, err := ParseMANSCDP(body)
		if err != nil {
			return
		}
		if m.Root == "" || m.CmdType == "" {
			t.Errorf("accepted %q without root or CmdType: %+v", body, m)
		}
	})
}
