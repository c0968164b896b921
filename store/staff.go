package store

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"frontdoor/flows"
)

// Buckets of the staff: roles (HMAC of the user id → sealed flows.Staff),
// one-time invites (SHA-256 of the code → sealed flows.Invite) and the
// audit trail (8-byte time + 4 random bytes → sealed flows.AuditEntry).
const (
	bucketStaff   = "staff"
	bucketInvites = "invites"
	bucketAudit   = "audit"
)

// refLen is how many hex digits of a member's record key make her Ref: enough
// to tell staff apart, short enough for a button.
const refLen = 16

var _ flows.StaffStore = (*DB)(nil)

// Staff returns the grants of a user; found is false when she is not staff.
func (db *DB) Staff(ctx context.Context, user int64) (flows.Staff, bool, error) {
	var s flows.Staff
	found, err := db.getSealed(ctx, bucketStaff, db.seal.chatKey(user), &s)
	if err != nil {
		return flows.Staff{}, false, fmt.Errorf("load staff: %w", err)
	}
	return s, found, nil
}

// SaveStaff stores a member's grants; with none left, it forgets her.
func (db *DB) SaveStaff(ctx context.Context, user int64, s flows.Staff) error {
	key := db.seal.chatKey(user)
	if len(s.Grants) == 0 {
		return db.deleteKey(ctx, bucketStaff, key)
	}
	// The user id is sealed with the grants so that a rekey can derive
	// the record key under the new key.
	if err := db.putSealed(ctx, bucketStaff, key, staffRecord{Staff: s, User: user}); err != nil {
		return fmt.Errorf("save staff: %w", err)
	}
	return nil
}

// ListStaff returns every member with an opaque Ref (a prefix of her record
// key, never her id) and her chat (0 for a member saved before the user id
// was kept with her grants).
func (db *DB) ListStaff(ctx context.Context) ([]flows.StaffEntry, error) {
	var out []flows.StaffEntry
	err := db.bolt.View(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte(bucketStaff)).ForEach(func(k, v []byte) error {
			var r staffRecord
			if err := db.openJSON(bucketStaff, k, v, &r); err != nil {
				return err
			}
			out = append(out, flows.StaffEntry{Ref: hex.EncodeToString(k)[:refLen], Chat: r.User, Staff: r.Staff})
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list staff: %w", err)
	}
	return out, ctx.Err()
}

// RevokeStaff forgets the member whose Ref is ref.
func (db *DB) RevokeStaff(ctx context.Context, ref string) error {
	prefix, err := hex.DecodeString(ref)
	if err != nil || len(ref) != refLen {
		return fmt.Errorf("revoke staff: malformed ref")
	}
	err = db.gc.commit(db.bolt, func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucketStaff))
		if k, _ := b.Cursor().Seek(prefix); k != nil && bytes.HasPrefix(k, prefix) {
			return b.Delete(append([]byte(nil), k...))
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("revoke staff: %w", err)
	}
	return nil
}

// inviteKey is the record key of an invite: a hash, so the file never holds
// a code that still works.
func inviteKey(code string) []byte {
	h := sha256.Sum256([]byte("frontdoor invite " + code))
	return h[:]
}

// SaveInvite stores a one-time invite.
func (db *DB) SaveInvite(ctx context.Context, inv flows.Invite) error {
	if err := db.putSealed(ctx, bucketInvites, inviteKey(inv.Code), inv); err != nil {
		return fmt.Errorf("save invite: %w", err)
	}
	return nil
}

// TakeInvite returns and deletes an invite in one transaction, so that two
// people opening the same link cannot both use it.
func (db *DB) TakeInvite(ctx context.Context, code string, now time.Time) (flows.Invite, bool, error) {
	if err := ctx.Err(); err != nil {
		return flows.Invite{}, false, fmt.Errorf("take invite: %w", err)
	}
	key := inviteKey(code)
	var inv flows.Invite
	var found bool
	err := db.gc.commit(db.bolt, func(tx *bolt.Tx) error {
		found = false
		b := tx.Bucket([]byte(bucketInvites))
		v := b.Get(key)
		if v == nil {
			return nil
		}
		if err := db.openJSON(bucketInvites, key, v, &inv); err != nil {
			return err
		}
		found = now.Before(inv.Expires)
		return b.Delete(key)
	})
	if err != nil {
		return flows.Invite{}, false, fmt.Errorf("take invite: %w", err)
	}
	return inv, found, nil
}

// AppendAudit records a change.
func (db *DB) AppendAudit(ctx context.Context, e flows.AuditEntry) error {
	key := make([]byte, 12)
	binary.BigEndian.PutUint64(key, uint64(e.At.UnixNano()))
	_, _ = rand.Read(key[8:]) // never fails (crypto/rand)
	if err := db.putSealed(ctx, bucketAudit, key, e); err != nil {
		return fmt.Errorf("append audit: %w", err)
	}
	return nil
}

// Audit returns the latest n entries of a network ("" = all), newest first.
func (db *DB) Audit(ctx context.Context, network string, n int) ([]flows.AuditEntry, error) {
	var out []flows.AuditEntry
	err := db.bolt.View(func(tx *bolt.Tx) error {
		c := tx.Bucket([]byte(bucketAudit)).Cursor()
		for k, v := c.Last(); k != nil && len(out) < n; k, v = c.Prev() {
			var e flows.AuditEntry
			if err := db.openJSON(bucketAudit, k, v, &e); err != nil {
				return err
			}
			if network == "" || e.Network == network {
				out = append(out, e)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("audit: %w", err)
	}
	return out, ctx.Err()
}

// UpdateDirectory changes the stored directory (or base, when none is
// stored) in one transaction and returns the result, which keeps of a
// centre whose address is confidential only the position of its comune
// (flows.KeepCoarse).
func (db *DB) UpdateDirectory(ctx context.Context, base flows.DirectoryData, change func(*flows.DirectoryData) error) (flows.DirectoryData, error) {
	if err := ctx.Err(); err != nil {
		return flows.DirectoryData{}, fmt.Errorf("update directory: %w", err)
	}
	// change may run more than once: each run starts from a copy.
	baseJSON, err := json.Marshal(base)
	if err != nil {
		return flows.DirectoryData{}, fmt.Errorf("update directory: encode: %w", err)
	}
	var out flows.DirectoryData
	key := []byte(keyCurrent)
	err = db.gc.commit(db.bolt, func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucketDirectory))
		var d flows.DirectoryData
		if cur := b.Get(key); cur != nil {
			if err := db.openJSON(bucketDirectory, key, cur, &d); err != nil {
				return err
			}
		} else if err := json.Unmarshal(baseJSON, &d); err != nil {
			return fmt.Errorf("decode: %w", err)
		}
		if err := change(&d); err != nil {
			return err
		}
		flows.KeepCoarse(&d)
		val, err := db.sealJSON(bucketDirectory, key, d)
		if err != nil {
			return err
		}
		out = d
		return b.Put(key, val)
	})
	if err != nil {
		return flows.DirectoryData{}, fmt.Errorf("update directory: %w", err)
	}
	return out, nil
}

// putSealed seals the JSON of v under bucket and key, in a group commit.
func (db *DB) putSealed(ctx context.Context, bucket string, key []byte, v any) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	sealed, err := db.sealJSON(bucket, key, v)
	if err != nil {
		return err
	}
	return db.gc.commit(db.bolt, func(tx *bolt.Tx) error {
		return tx.Bucket([]byte(bucket)).Put(key, sealed)
	})
}

// getSealed opens the record at bucket and key into v.
func (db *DB) getSealed(ctx context.Context, bucket string, key []byte, v any) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	var found bool
	err := db.bolt.View(func(tx *bolt.Tx) error {
		val := tx.Bucket([]byte(bucket)).Get(key)
		if val == nil {
			return nil
		}
		found = true
		return db.openJSON(bucket, key, val, v)
	})
	return found, err
}

// sealJSON encodes v as JSON and seals it under bucket and key.
func (db *DB) sealJSON(bucket string, key []byte, v any) ([]byte, error) {
	pt, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode: %w", err)
	}
	return db.seal.seal(bucket, key, pt)
}

// openJSON opens a sealed record and decodes it into v. It copies nothing
// out of the transaction but the decoded value.
func (db *DB) openJSON(bucket string, key, val []byte, v any) error {
	pt, err := db.seal.open(bucket, key, val)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(pt, v); err != nil {
		return errors.Join(errors.New("decode sealed record"), err)
	}
	return nil
}

func (db *DB) deleteKey(ctx context.Context, bucket string, key []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return db.gc.commit(db.bolt, func(tx *bolt.Tx) error { return tx.Bucket([]byte(bucket)).Delete(key) })
}
