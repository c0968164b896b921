package memstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"frontdoor/flows"
)

var _ flows.StatsStore = (*Store)(nil)

// Stats returns the counters of the months from..to, both included, in
// the order of the bbolt store.
func (s *Store) Stats(ctx context.Context, from, to string) ([]flows.Stat, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("load stats: %w", err)
	}
	s.mu.Lock()
	var out []flows.Stat
	for k, n := range s.stats {
		if k.Month >= from && k.Month <= to {
			out = append(out, flows.Stat{Count: k, N: n})
		}
	}
	s.mu.Unlock()
	slices.SortFunc(out, func(a, b flows.Stat) int {
		return cmp.Or(cmp.Compare(a.Month, b.Month), cmp.Compare(a.Network, b.Network), cmp.Compare(a.Centre, b.Centre),
			cmp.Compare(a.Lang, b.Lang), cmp.Compare(a.Name, b.Name))
	})
	return out, nil
}
