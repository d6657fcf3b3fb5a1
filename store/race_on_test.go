//go:build race

package store_test

// raceOn says the race detector is on: large tests shrink.
const raceOn = true
