package memstore

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"frontdoor/flows"
)

// Shelves keeps the messages of the outbox that the web door holds for its
// visitors, with the semantics of the bbolt store's shelf
// (store/storetest.RunShelf checks both). It is safe for concurrent use;
// the zero value is ready.
type Shelves struct {
	mu   sync.Mutex
	kept map[int64][]kept
}

type kept struct {
	o     flows.Outgoing
	until time.Time
}

// Shelve keeps a message of the outbox for its chat until until, once.
func (s *Shelves) Shelve(ctx context.Context, o flows.Outgoing, until time.Time) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("shelve: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.kept == nil {
		s.kept = map[int64][]kept{}
	}
	if !slices.ContainsFunc(s.kept[o.Chat], func(k kept) bool { return k.o.ID == o.ID }) {
		s.kept[o.Chat] = append(s.kept[o.Chat], kept{o, until.Truncate(time.Second)})
	}
	return nil
}

// TakeShelf removes the messages kept for a chat and returns those still
// standing at now, oldest first.
func (s *Shelves) TakeShelf(ctx context.Context, chat int64, now time.Time) ([]flows.Outgoing, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("take shelf: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []flows.Outgoing
	for _, k := range s.kept[chat] {
		if k.until.Unix() > now.Unix() {
			out = append(out, k.o)
		}
	}
	delete(s.kept, chat)
	return out, nil
}

// Len is how many chats have messages kept, for tests.
func (s *Shelves) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.kept)
}
