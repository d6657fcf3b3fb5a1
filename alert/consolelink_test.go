package alert_test

import (
	"strings"
	"testing"

	"github.com/sharpeyes/sharpeyes"
	"github.com/sharpeyes/sharpeyes/alert"
)

// A camera alert links the console's page of the camera
// ({public_url}/cameras/{id}), which people can open, in every format;
// never the JSON API.
func TestEveryFormatLinksACameraAlertToTheConsolePage(t *testing.T) {
	fx := fixtures()
	want := "https://se.example.com/cameras/43020200001320000001"
	for _, format := range sharpeyes.WebhookFormats {
		for _, typ := range []string{alert.CameraDown, alert.CameraDegraded, alert.CameraUp} {
			t.Run(format+"/"+typ, func(t *testing.T) {
				body, err := alert.Render(format, fx[typ], renderEnv(""))
				if err != nil {
					t.Fatal(err)
				}
				s := string(body)
				if strings.Contains(s, "/api/v1/cameras/") {
					t.Errorf("links the JSON API:\n%s", s)
				}
				if !strings.Contains(s, want) {
					t.Errorf("no link to %s:\n%s", want, s)
				}
			})
		}
	}
}

// Group and isolation alerts link the console too: a group alert opens the
// console's down list filtered to the group ({public_url}/?uplink=…), an
// isolation alert the console's overview; never the JSON API, which a phone
// in a DingTalk group cannot open with a token.
func TestEveryFormatLinksGroupAndIsolationAlertsToTheConsole(t *testing.T) {
	fx := fixtures()
	want := map[string]string{
		alert.GroupDown:         "https://se.example.com/?uplink=SW-%E6%9C%88%E5%A1%98-001",
		alert.GroupUp:           "https://se.example.com/?uplink=SW-%E6%9C%88%E5%A1%98-001",
		alert.CollectorIsolated: "https://se.example.com/",
	}
	for _, format := range sharpeyes.WebhookFormats {
		for typ, link := range want {
			t.Run(format+"/"+typ, func(t *testing.T) {
				body, err := alert.Render(format, fx[typ], renderEnv(""))
				if err != nil {
					t.Fatal(err)
				}
				s := strings.ReplaceAll(string(body), `\u0026`, "&")
				if strings.Contains(s, "/api/v1/") {
					t.Errorf("links the JSON API:\n%s", s)
				}
				if !strings.Contains(s, `"`+link+`"`) && !strings.Contains(s, "("+link+")") && !strings.Contains(s, link) {
					t.Errorf("no link to %s:\n%s", link, s)
				}
			})
		}
	}
	region := &alert.Alert{Key: "k-region", Type: alert.GroupDown, At: t0, Cameras: fx[alert.GroupDown].Cameras,
		Group: &alert.GroupRef{ID: "region:x", By: "region", Name: "荷塘区/月塘街道"}}
	body, err := alert.Render("json", region, renderEnv(""))
	if err != nil {
		t.Fatal(err)
	}
	if want := "https://se.example.com/?region=" + "%E8%8D%B7%E5%A1%98%E5%8C%BA%2F%E6%9C%88%E5%A1%98%E8%A1%97%E9%81%93"; !strings.Contains(string(body), want) {
		t.Errorf("a region group does not link %s:\n%s", want, body)
	}
}
