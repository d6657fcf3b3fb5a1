package config

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Error is one problem with the configuration. Message never contains a
// secret.
type Error struct {
	// Source is where the bad value came from: "file.yml:12" for a file,
	// "env SHARPEYES_X" for an environment variable, "" when unknown (a
	// Config built in code).
	Source string
	// Key is the key path, like "collector.groups[1].schedule"; "" for a
	// problem with the file as a whole.
	Key string
	// Message says what is wrong and what is expected.
	Message string
}

// Error returns "config: [source: ]key: message".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("config: ")
	if e.Source != "" {
		b.WriteString(e.Source)
		b.WriteString(": ")
	}
	if e.Key != "" {
		b.WriteString(e.Key)
		b.WriteString(": ")
	}
	b.WriteString(e.Message)
	return b.String()
}

// maxErrors bounds how many problems one load reports: enough to fix a file
// in one go, not a wall of text for a file of the wrong kind.
const maxErrors = 20

// errorList collects problems in the order they are found.
type errorList struct {
	list    []*Error
	dropped int
}

func (l *errorList) add(key, format string, args ...any) {
	l.addErr(&Error{Key: key, Message: fmt.Sprintf(format, args...)})
}

func (l *errorList) addErr(e *Error) {
	if len(l.list) >= maxErrors {
		l.dropped++
		return
	}
	l.list = append(l.list, e)
}

// err returns nil, the one *Error, or all of them joined.
func (l *errorList) err() error {
	switch len(l.list) {
	case 0:
		return nil
	case 1:
		return l.list[0]
	}
	errs := make([]error, 0, len(l.list)+1)
	for _, e := range l.list {
		errs = append(errs, e)
	}
	if l.dropped > 0 {
		errs = append(errs, fmt.Errorf("config: %d more problems not shown", l.dropped))
	}
	return errors.Join(errs...)
}

// clip shortens a user value quoted in a message, so that a wrong file (a
// binary, a CSV) cannot flood the log, and keeps it valid UTF-8.
func clip(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if utf8.RuneCountInString(s) <= 40 {
		return s
	}
	return string([]rune(s)[:40]) + "…"
}
