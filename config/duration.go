package config

import "github.com/sharpeyes/sharpeyes"

// Duration is the type of every duration key: a sharpeyes.Duration, read
// by sharpeyes.ParseDuration ("30s", "5m", "2h", "7d", "1d12h") in the
// file, environment variables and JSON alike.
type Duration = sharpeyes.Duration

// Day is the unit behind the "d" suffix of a Duration.
const Day = sharpeyes.Day
