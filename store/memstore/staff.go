package memstore

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"frontdoor/flows"
)

var _ flows.StaffStore = (*Store)(nil)

// ref is the opaque handle of a member: not her id in clear, like the bbolt
// store's, but stable for the life of the store.
func ref(user int64) string { return fmt.Sprintf("%016x", uint64(user)*0x9E3779B97F4A7C15) }

// Staff returns a copy of a member's grants.
func (s *Store) Staff(ctx context.Context, user int64) (flows.Staff, bool, error) {
	if err := ctx.Err(); err != nil {
		return flows.Staff{}, false, fmt.Errorf("load staff: %w", err)
	}
	s.mu.Lock()
	b, ok := s.staff[user]
	s.mu.Unlock()
	var st flows.Staff
	if !ok {
		return st, false, nil
	}
	return st, true, json.Unmarshal(b, &st)
}

// SaveStaff stores her grants; with none, it forgets her.
func (s *Store) SaveStaff(ctx context.Context, user int64, st flows.Staff) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("save staff: %w", err)
	}
	b, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("save staff: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(st.Grants) == 0 {
		delete(s.staff, user)
		return nil
	}
	s.staff[user] = b
	return nil
}

// ListStaff returns every member, ordered by Ref.
func (s *Store) ListStaff(ctx context.Context) ([]flows.StaffEntry, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("list staff: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []flows.StaffEntry
	for user, b := range s.staff {
		var st flows.Staff
		if err := json.Unmarshal(b, &st); err != nil {
			return nil, fmt.Errorf("list staff: %w", err)
		}
		out = append(out, flows.StaffEntry{Ref: ref(user), Chat: user, Staff: st})
	}
	slices.SortFunc(out, func(a, b flows.StaffEntry) int { return strings.Compare(a.Ref, b.Ref) })
	return out, nil
}

// RevokeStaff forgets the member with ref.
func (s *Store) RevokeStaff(ctx context.Context, r string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("revoke staff: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for user := range s.staff {
		if ref(user) == r {
			delete(s.staff, user)
		}
	}
	return nil
}

// SaveInvite stores a one-time invite.
func (s *Store) SaveInvite(ctx context.Context, inv flows.Invite) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("save invite: %w", err)
	}
	b, err := json.Marshal(inv)
	if err != nil {
		return fmt.Errorf("save invite: %w", err)
	}
	s.mu.Lock()
	s.invites[inv.Code] = b
	s.mu.Unlock()
	return nil
}

// TakeInvite returns and deletes an invite; expired ones are not found.
func (s *Store) TakeInvite(ctx context.Context, code string, now time.Time) (flows.Invite, bool, error) {
	if err := ctx.Err(); err != nil {
		return flows.Invite{}, false, fmt.Errorf("take invite: %w", err)
	}
	s.mu.Lock()
	b, ok := s.invites[code]
	delete(s.invites, code)
	s.mu.Unlock()
	var inv flows.Invite
	if !ok {
		return inv, false, nil
	}
	if err := json.Unmarshal(b, &inv); err != nil {
		return inv, false, fmt.Errorf("take invite: %w", err)
	}
	return inv, now.Before(inv.Expires), nil
}

// AppendAudit records a change.
func (s *Store) AppendAudit(ctx context.Context, e flows.AuditEntry) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("append audit: %w", err)
	}
	b, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("append audit: %w", err)
	}
	s.mu.Lock()
	s.audit = append(s.audit, b)
	s.mu.Unlock()
	return nil
}

// Audit returns the latest n entries of a network ("" = all), newest first.
func (s *Store) Audit(ctx context.Context, network string, n int) ([]flows.AuditEntry, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []flows.AuditEntry
	for i := len(s.audit) - 1; i >= 0 && len(out) < n; i-- {
		var e flows.AuditEntry
		if err := json.Unmarshal(s.audit[i], &e); err != nil {
			return nil, fmt.Errorf("audit: %w", err)
		}
		if network == "" || e.Network == network {
			out = append(out, e)
		}
	}
	slices.SortStableFunc(out, func(a, b flows.AuditEntry) int { return b.At.Compare(a.At) })
	return out, nil
}

// UpdateDirectory changes the directory (or base, when none is stored)
// under the store's lock, so concurrent edits never lose each other; a
// centre whose address is confidential keeps only the position of its
// comune (flows.KeepCoarse).
func (s *Store) UpdateDirectory(ctx context.Context, base flows.DirectoryData, change func(*flows.DirectoryData) error) (flows.DirectoryData, error) {
	if err := ctx.Err(); err != nil {
		return flows.DirectoryData{}, fmt.Errorf("update directory: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cur := s.directory
	if cur == nil {
		b, err := json.Marshal(base)
		if err != nil {
			return flows.DirectoryData{}, fmt.Errorf("update directory: %w", err)
		}
		cur = b
	}
	var d flows.DirectoryData
	if err := json.Unmarshal(cur, &d); err != nil {
		return flows.DirectoryData{}, fmt.Errorf("update directory: %w", err)
	}
	if err := change(&d); err != nil {
		return flows.DirectoryData{}, fmt.Errorf("update directory: %w", err)
	}
	flows.KeepCoarse(&d)
	b, err := json.Marshal(d)
	if err != nil {
		return flows.DirectoryData{}, fmt.Errorf("update directory: %w", err)
	}
	s.directory = b
	return d, nil
}
