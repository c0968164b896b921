package memstore

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"frontdoor/flows"
)

// Trails keeps wipe trails in a map, with the semantics of the bbolt
// store's trail (store/storetest.RunTrail checks both). It is safe for
// concurrent use; the zero value is ready.
type Trails struct {
	mu     sync.Mutex
	trails map[int64]flows.Trail
}

// maxTrail mirrors the bbolt store's bound on ids per chat.
const maxTrail = 2000

// Track adds message ids to a chat's trail and sets when it is due.
func (s *Trails) Track(ctx context.Context, chat int64, ids []int, at, due time.Time, idle bool) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("track messages: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.trails == nil {
		s.trails = map[int64]flows.Trail{}
	}
	oldest := at.Add(-flows.TrailWindow).Truncate(time.Second)
	t := flows.Trail{Chat: chat, Due: due.Truncate(time.Second), Idle: idle}
	for _, m := range s.trails[chat].Messages {
		if !m.At.Before(oldest) {
			t.Messages = append(t.Messages, m)
		}
	}
	for _, id := range ids {
		t.Messages = append(t.Messages, flows.Tracked{ID: id, At: at.Truncate(time.Second)})
	}
	if n := len(t.Messages) - maxTrail; n > 0 {
		t.Messages = t.Messages[n:]
	}
	if due.Nanosecond() > 0 {
		t.Due = t.Due.Add(time.Second)
	}
	s.trails[chat] = t
	return nil
}

// TakeTrail removes and returns a chat's trail; with a non-zero dueBy only
// if it is due by then.
func (s *Trails) TakeTrail(ctx context.Context, chat int64, dueBy time.Time) (flows.Trail, bool, error) {
	if err := ctx.Err(); err != nil {
		return flows.Trail{}, false, fmt.Errorf("take trail: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.trails[chat]
	if !ok || (!dueBy.IsZero() && t.Due.After(dueBy)) {
		return flows.Trail{}, false, nil
	}
	delete(s.trails, chat)
	t.Messages = slices.Clone(t.Messages)
	return t, true, nil
}

// DueTrails returns up to limit chats whose trail is due at now, earliest
// first.
func (s *Trails) DueTrails(ctx context.Context, now time.Time, limit int) ([]int64, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("due trails: %w", err)
	}
	s.mu.Lock()
	var due []flows.Trail
	for _, t := range s.trails {
		if !t.Due.After(now) {
			due = append(due, t)
		}
	}
	s.mu.Unlock()
	slices.SortFunc(due, func(a, b flows.Trail) int { return a.Due.Compare(b.Due) })
	var chats []int64
	for _, t := range due[:min(len(due), limit)] {
		chats = append(chats, t.Chat)
	}
	return chats, nil
}

// Peek returns a copy of a chat's trail without taking it, so that a test
// can wait for a write that follows a send.
func (s *Trails) Peek(chat int64) (flows.Trail, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.trails[chat]
	t.Messages = slices.Clone(t.Messages)
	return t, ok
}
