// Package memstore is an in-memory implementation of the storage interfaces
// of package flows, for fast tests of the dialogues. It passes the same
// conformance suite as the bbolt store (store/storetest), so tests written
// against it hold in production. Values go through the same JSON encoding as
// the bbolt store, which also makes every returned value a deep copy.
package memstore

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"time"

	"frontdoor/flows"
)

// Store keeps sessions and the directory in maps. It is safe for concurrent
// use.
type Store struct {
	now func() time.Time

	mu        sync.Mutex
	sessions  map[int64]entry
	directory []byte           // JSON; nil until saved
	staff     map[int64][]byte // JSON of flows.Staff
	invites   map[string][]byte
	audit     [][]byte // JSON of flows.AuditEntry, oldest first
	// Callbacks, operators and the outbox (callbacks.go).
	callbacks map[string][]byte // JSON by ticket
	operators map[int64]flows.Operator
	outbox    []queued
	seq       uint64
	cards     map[string][]flows.CardRef
	// stats are the anonymous counters (stats.go).
	stats map[flows.Count]int64
}

type entry struct {
	session []byte // JSON of flows.Session
	expires time.Time
}

// Compile-time checks that Store provides what flows needs.
var (
	_ flows.SessionStore   = (*Store)(nil)
	_ flows.DirectoryStore = (*Store)(nil)
)

// New returns an empty store that uses the wall clock for expiry.
func New() *Store { return NewWithClock(time.Now) }

// NewWithClock returns an empty store that decides expiry with now, so a
// test can make sessions expire without waiting.
func NewWithClock(now func() time.Time) *Store {
	return &Store{now: now, sessions: make(map[int64]entry), staff: make(map[int64][]byte), invites: make(map[string][]byte)}
}

// Session returns the session of a chat; an expired one is not found.
func (s *Store) Session(ctx context.Context, chat int64) (flows.Session, bool, error) {
	if err := ctx.Err(); err != nil {
		return flows.Session{}, false, fmt.Errorf("load session: %w", err)
	}
	now := s.now()
	s.mu.Lock()
	e, ok := s.sessions[chat]
	s.mu.Unlock()
	if !ok || !now.Before(e.expires) {
		return flows.Session{}, false, nil
	}
	var out flows.Session
	if err := json.Unmarshal(e.session, &out); err != nil {
		return flows.Session{}, false, fmt.Errorf("load session: decode: %w", err)
	}
	return out, true, nil
}

// SaveSession stores a copy of the session until expires.
func (s *Store) SaveSession(ctx context.Context, chat int64, sess flows.Session, expires time.Time) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("save session: %w", err)
	}
	b, err := json.Marshal(sess)
	if err != nil {
		return fmt.Errorf("save session: encode: %w", err)
	}
	s.mu.Lock()
	s.sessions[chat] = entry{session: b, expires: expires}
	s.mu.Unlock()
	return nil
}

// DeleteSession forgets the session of a chat, for the quick exit.
func (s *Store) DeleteSession(ctx context.Context, chat int64) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	s.mu.Lock()
	delete(s.sessions, chat)
	s.mu.Unlock()
	return nil
}

// Sweep deletes the sessions whose expiry is at or before now and returns
// how many it deleted, like the bbolt store's sweeper.
func (s *Store) Sweep(ctx context.Context, now time.Time) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("sweep sessions: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for chat, e := range s.sessions {
		if !e.expires.After(now) {
			delete(s.sessions, chat)
			n++
		}
	}
	return n, nil
}

// Directory returns a copy of the stored directory; found is false until
// one is saved.
func (s *Store) Directory(ctx context.Context) (flows.DirectoryData, bool, error) {
	if err := ctx.Err(); err != nil {
		return flows.DirectoryData{}, false, fmt.Errorf("load directory: %w", err)
	}
	s.mu.Lock()
	b := s.directory
	s.mu.Unlock()
	if b == nil {
		return flows.DirectoryData{}, false, nil
	}
	var d flows.DirectoryData
	if err := json.Unmarshal(b, &d); err != nil {
		return flows.DirectoryData{}, false, fmt.Errorf("load directory: decode: %w", err)
	}
	return d, true, nil
}

// SaveDirectory replaces the stored directory with a copy of d, in which a
// centre whose address is confidential keeps only the position of its
// comune (flows.KeepCoarse), as in the bbolt store.
func (s *Store) SaveDirectory(ctx context.Context, d flows.DirectoryData) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("save directory: %w", err)
	}
	d.Centres = slices.Clone(d.Centres)
	flows.KeepCoarse(&d)
	b, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("save directory: encode: %w", err)
	}
	s.mu.Lock()
	s.directory = b
	s.mu.Unlock()
	return nil
}
