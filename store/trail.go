package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"frontdoor/flows"
)

// Buckets of the wipe trail: sealed records keyed by the chat's HMAC, with
// their due time sealed inside, and an index by due time (see expiry.go).
const (
	bucketTrail    = "trail"
	bucketTrailDue = "trail_due"
)

// maxTrail bounds the message ids kept per chat, so that one very long
// conversation cannot grow a record without end; the oldest go first.
const maxTrail = 2000

// trailRecord is the sealed value: the raw chat id lives only here, because
// deleting messages needs it. It is stored compactly (encode); the JSON
// tags read the records of older versions.
type trailRecord struct {
	Chat int64      `json:"c"`
	Msgs [][2]int64 `json:"m"` // message id, unix seconds
	Idle bool       `json:"w,omitempty"`
}

// Track adds message ids of a chat, seen or sent at at, to its trail, drops
// those older than flows.TrailWindow, and sets when the trail is due: the
// idle wipe when idle is true, else only its removal. Writes share the
// group commit with the sessions.
func (db *DB) Track(ctx context.Context, chat int64, ids []int, at, due time.Time, idle bool) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("track messages: %w", err)
	}
	key := db.seal.chatKey(chat)
	exp := expirySeconds(due)
	oldest := at.Add(-flows.TrailWindow).Unix()
	// The function reads the current record: run again after a rolled-back
	// group, it starts from the rolled-back state and gives the same result.
	err := db.gc.commit(db.bolt, func(tx *bolt.Tx) error {
		trail := tx.Bucket([]byte(bucketTrail))
		rec := trailRecord{Chat: chat}
		if old := trail.Get(key); old != nil {
			r, oldExp, err := db.openTrail(key, old)
			if err != nil {
				return err
			}
			if err := db.seal.deleteDue(tx, bucketTrailDue, key, oldExp); err != nil {
				return err
			}
			for _, m := range r.Msgs {
				if m[1] >= oldest {
					rec.Msgs = append(rec.Msgs, m)
				}
			}
		}
		for _, id := range ids {
			rec.Msgs = append(rec.Msgs, [2]int64{int64(id), at.Unix()})
		}
		if n := len(rec.Msgs) - maxTrail; n > 0 {
			rec.Msgs = rec.Msgs[n:]
		}
		rec.Idle = idle
		val, err := db.seal.sealTimed(bucketTrail, key, exp, rec.encode())
		if err != nil {
			return err
		}
		if err := trail.Put(key, val); err != nil {
			return err
		}
		return db.seal.putDue(tx, bucketTrailDue, key, exp)
	})
	if err != nil {
		return fmt.Errorf("track messages: %w", err)
	}
	return nil
}

// openTrail opens a stored trail value: the record and its due time.
func (db *DB) openTrail(key, val []byte) (trailRecord, uint64, error) {
	due, pt, err := db.seal.openTimed(bucketTrail, key, val)
	if err != nil {
		return trailRecord{}, 0, err
	}
	r, err := decodeTrail(pt)
	if err != nil {
		return trailRecord{}, 0, err
	}
	return r, due, nil
}

// trailCompact starts a trail record in the compact form; records written
// before it are JSON and start with '{'.
const trailCompact = 1

// encode writes the record compactly: the form, the chat, whether the
// idle wipe is on, the number of messages, then each message's id and its
// seconds since the one before, as varints. A chat's trail is read and
// written again on each of its updates: as JSON, a long one cost ten
// times as much.
func (r trailRecord) encode() []byte {
	b := make([]byte, 0, 16+6*len(r.Msgs))
	b = binary.AppendVarint(append(b, trailCompact), r.Chat)
	idle := byte(0)
	if r.Idle {
		idle = 1
	}
	b = binary.AppendUvarint(append(b, idle), uint64(len(r.Msgs)))
	var prev int64
	for _, m := range r.Msgs {
		b = binary.AppendVarint(binary.AppendVarint(b, m[0]), m[1]-prev)
		prev = m[1]
	}
	return b
}

// decodeTrail reads a record in either form.
func decodeTrail(pt []byte) (trailRecord, error) {
	var r trailRecord
	if len(pt) > 0 && pt[0] == '{' {
		if err := json.Unmarshal(pt, &r); err != nil {
			return trailRecord{}, fmt.Errorf("decode trail: %w", err)
		}
		return r, nil
	}
	if len(pt) == 0 || pt[0] != trailCompact {
		return trailRecord{}, errors.New("decode trail: unknown form")
	}
	rd := bytes.NewReader(pt[1:])
	chat, err := binary.ReadVarint(rd)
	if err != nil {
		return trailRecord{}, fmt.Errorf("decode trail: %w", err)
	}
	idle, err := rd.ReadByte()
	if err != nil {
		return trailRecord{}, fmt.Errorf("decode trail: %w", err)
	}
	n, err := binary.ReadUvarint(rd)
	if err != nil || n > uint64(rd.Len()) { // each message takes 2 bytes at least
		return trailRecord{}, errors.New("decode trail: bad message count")
	}
	r = trailRecord{Chat: chat, Idle: idle == 1, Msgs: make([][2]int64, 0, n)}
	var at int64
	for range n {
		id, err := binary.ReadVarint(rd)
		if err != nil {
			return trailRecord{}, fmt.Errorf("decode trail: %w", err)
		}
		delta, err := binary.ReadVarint(rd)
		if err != nil {
			return trailRecord{}, fmt.Errorf("decode trail: %w", err)
		}
		at += delta
		r.Msgs = append(r.Msgs, [2]int64{id, at})
	}
	return r, nil
}

// TakeTrail removes the trail of a chat and returns it, for a wipe. With a
// non-zero dueBy it takes the trail only if it is due by then, so that an
// idle wipe never races a message she just sent. found is false when there
// was nothing to take. A record that does not open is deleted all the same
// and reported: it can never be used.
func (db *DB) TakeTrail(ctx context.Context, chat int64, dueBy time.Time) (flows.Trail, bool, error) {
	if err := ctx.Err(); err != nil {
		return flows.Trail{}, false, fmt.Errorf("take trail: %w", err)
	}
	key := db.seal.chatKey(chat)
	limit := nowSeconds(dueBy)
	var (
		rec     trailRecord
		exp     uint64
		found   bool
		openErr error
	)
	err := db.gc.commit(db.bolt, func(tx *bolt.Tx) error {
		found, openErr = false, nil
		trail := tx.Bucket([]byte(bucketTrail))
		old := trail.Get(key)
		if old == nil {
			return nil
		}
		rec, exp, openErr = db.openTrail(key, old)
		if openErr == nil {
			if !dueBy.IsZero() && exp > limit {
				return nil
			}
			if err := db.seal.deleteDue(tx, bucketTrailDue, key, exp); err != nil {
				return err
			}
		}
		found = openErr == nil
		return trail.Delete(key)
	})
	if err == nil {
		err = openErr
	}
	if err != nil {
		return flows.Trail{}, false, fmt.Errorf("take trail: %w", err)
	}
	if !found {
		return flows.Trail{}, false, nil
	}
	t := flows.Trail{Chat: rec.Chat, Idle: rec.Idle, Due: time.Unix(int64(exp), 0)}
	for _, m := range rec.Msgs {
		t.Messages = append(t.Messages, flows.Tracked{ID: int(m[0]), At: time.Unix(m[1], 0)})
	}
	return t, true, nil
}

// DueTrails returns up to limit chats whose trail is due at now, earliest
// first. It opens their records for the chat ids; one that does not open is
// skipped (and logged by nobody: it holds nothing usable).
func (db *DB) DueTrails(ctx context.Context, now time.Time, limit int) ([]int64, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("due trails: %w", err)
	}
	var chats []int64
	err := db.bolt.View(func(tx *bolt.Tx) error {
		trail := tx.Bucket([]byte(bucketTrail))
		eachDue(tx, bucketTrailDue, nowSeconds(now), func(k, v []byte) bool {
			key, err := db.seal.dueRecord(bucketTrailDue, k, v)
			if err != nil {
				return true // an entry that does not open points nowhere
			}
			// Skip a stale entry: the trail is due at another time now.
			if val := trail.Get(key); val != nil {
				if r, exp, err := db.openTrail(key, val); err == nil && exp == binary.BigEndian.Uint64(k[:8]) {
					chats = append(chats, r.Chat)
				}
			}
			return len(chats) < limit
		})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("due trails: %w", err)
	}
	return chats, nil
}
