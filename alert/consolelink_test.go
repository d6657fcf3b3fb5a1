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
