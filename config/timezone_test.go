package config

import (
	"testing"
	"time"
)

// timezone names the zone of local dates and of times shown to people; it
// defaults to Asia/Shanghai, comes from the file or SHARPEYES_TIMEZONE, and
// a zone the tz database does not know stops start-up naming the key.
func TestTimezoneIsLoadedAndValidated(t *testing.T) {
	for _, tc := range []struct {
		name, yaml string
		env        []string
		want       string // zone name, or "" for an error
		wantErr    string
	}{
		{name: "default", want: "Asia/Shanghai"},
		{name: "file", yaml: "timezone: UTC\n", want: "UTC"},
		{name: "env over file", yaml: "timezone: UTC\n", env: []string{"SHARPEYES_TIMEZONE=Asia/Urumqi"}, want: "Asia/Urumqi"},
		{name: "unknown zone", yaml: "timezone: Asia/Beijing\n",
			wantErr: `line 1: timezone: "Asia/Beijing" is not a time zone of the IANA database; use a name like Asia/Shanghai or UTC`},
		{name: "unknown zone from env", env: []string{"SHARPEYES_TIMEZONE=CST"},
			wantErr: `env SHARPEYES_TIMEZONE: timezone: "CST" is not a time zone`},
		{name: "Local depends on the machine", env: []string{"SHARPEYES_TIMEZONE=Local"},
			wantErr: `timezone: "Local" is not a time zone`},
		{name: "path outside the database", yaml: "timezone: ../../etc/passwd\n",
			wantErr: `timezone: "../../etc/passwd" is not a time zone`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Parse([]byte(tc.yaml), tc.env)
			if tc.wantErr != "" {
				wantErr(t, err, tc.wantErr)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Timezone != tc.want {
				t.Errorf("Timezone = %q, want %q", c.Timezone, tc.want)
			}
			if got := c.Location().String(); got != tc.want {
				t.Errorf("Location() = %q, want %q", got, tc.want)
			}
		})
	}
}

// Location gives a *time.Location whose offsets are the zone's: midnight
// of 2026-11-01 in the default zone is 16:00 UTC the day before.
func TestLocationOfTheDefaultIsChinaStandardTime(t *testing.T) {
	c := Default()
	got := time.Date(2026, 11, 1, 0, 0, 0, 0, c.Location()).UTC()
	if want := time.Date(2026, 10, 31, 16, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Fatalf("midnight 2026-11-01 in %s = %s UTC, want %s", c.Timezone, got, want)
	}
}
