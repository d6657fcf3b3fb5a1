package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/sharpeyes/sharpeyes"
)

// Statuses returns the live status of the given cameras; a camera never
// probed is absent from the map (callers show it as unknown).
func (s *Store) Statuses(ctx context.Context, ids []string) (map[string]sharpeyes.Status, error) {
	out := make(map[string]sharpeyes.Status, len(ids))
	err := s.hmgetBatches(ctx, statusKey, ids, func(id, raw string) error {
		var st sharpeyes.Status
		if err := json.Unmarshal([]byte(raw), &st); err != nil {
			return fmt.Errorf("decode status of %q: %w", id, err)
		}
		out[id] = st
		return nil
	})
	return out, err
}

// Status returns one camera's status, or the unknown status when it has
// never been probed.
func (s *Store) Status(ctx context.Context, id string) (sharpeyes.Status, error) {
	m, err := s.Statuses(ctx, []string{id})
	if err != nil {
		return sharpeyes.Status{}, err
	}
	if st, ok := m[id]; ok {
		return st, nil
	}
	return sharpeyes.Unknown(), nil
}
