package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"frontdoor/flows"
)

// Buckets of the shelf: the messages of the outbox that the web door keeps
// for a visitor until she next looks, in sealed records keyed by the
// chat's HMAC, with the time the last of them is due sealed inside, and an
// index by that time (see expiry.go), which the sweeper walks.
const (
	bucketShelf    = "shelf"
	bucketShelfDue = "shelf_due"
)

// shelfRecord is the sealed value: the chat (for a rekey) and its messages.
type shelfRecord struct {
	Chat  int64       `json:"c"`
	Items []shelfItem `json:"m"`
}

// shelfItem is one message kept: its id in the outbox, which keeps a
// message delivered twice from being kept twice, and until when it stands.
type shelfItem struct {
	ID    string         `json:"i"`
	Until int64          `json:"u"`
	Msg   flows.Outgoing `json:"o"`
}

// Shelve keeps a message of the outbox for its chat until until, once: a
// message already kept (the same outbox id) is not kept again. Messages of
// the chat no longer due then are dropped.
func (db *DB) Shelve(ctx context.Context, o flows.Outgoing, until time.Time) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("shelve: %w", err)
	}
	key := db.seal.chatKey(o.Chat)
	now := db.now().Unix()
	err := db.gc.commit(db.bolt, func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucketShelf))
		rec := shelfRecord{Chat: o.Chat}
		if old := b.Get(key); old != nil {
			r, exp, err := db.openShelf(key, old)
			if err != nil {
				return err
			}
			if err := db.seal.deleteDue(tx, bucketShelfDue, key, exp); err != nil {
				return err
			}
			for _, it := range r.Items {
				if it.Until > now {
					rec.Items = append(rec.Items, it)
				}
			}
		}
		if !slices.ContainsFunc(rec.Items, func(it shelfItem) bool { return it.ID == o.ID }) {
			rec.Items = append(rec.Items, shelfItem{ID: o.ID, Until: until.Unix(), Msg: o})
		}
		var due int64
		for _, it := range rec.Items {
			due = max(due, it.Until)
		}
		pt, err := json.Marshal(rec)
		if err != nil {
			return err
		}
		exp := expirySeconds(time.Unix(due, 0))
		val, err := db.seal.sealTimed(bucketShelf, key, exp, pt)
		if err != nil {
			return err
		}
		if err := b.Put(key, val); err != nil {
			return err
		}
		return db.seal.putDue(tx, bucketShelfDue, key, exp)
	})
	if err != nil {
		return fmt.Errorf("shelve: %w", err)
	}
	return nil
}

// TakeShelf removes the messages kept for a chat and returns those still
// standing at now, oldest first. A record that does not open is deleted
// all the same and reported: it can never be shown.
func (db *DB) TakeShelf(ctx context.Context, chat int64, now time.Time) ([]flows.Outgoing, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("take shelf: %w", err)
	}
	key := db.seal.chatKey(chat)
	var (
		rec     shelfRecord
		openErr error
	)
	err := db.gc.commit(db.bolt, func(tx *bolt.Tx) error {
		rec, openErr = shelfRecord{}, nil
		b := tx.Bucket([]byte(bucketShelf))
		old := b.Get(key)
		if old == nil {
			return nil
		}
		var exp uint64
		if rec, exp, openErr = db.openShelf(key, old); openErr == nil {
			if err := db.seal.deleteDue(tx, bucketShelfDue, key, exp); err != nil {
				return err
			}
		}
		return b.Delete(key)
	})
	if err == nil {
		err = openErr
	}
	if err != nil {
		return nil, fmt.Errorf("take shelf: %w", err)
	}
	var out []flows.Outgoing
	for _, it := range rec.Items {
		if it.Until > now.Unix() {
			o := it.Msg
			o.ID = it.ID
			out = append(out, o)
		}
	}
	return out, nil
}

// openShelf opens a stored shelf value: the record and its due time.
func (db *DB) openShelf(key, val []byte) (shelfRecord, uint64, error) {
	due, pt, err := db.seal.openTimed(bucketShelf, key, val)
	if err != nil {
		return shelfRecord{}, 0, err
	}
	var r shelfRecord
	if err := json.Unmarshal(pt, &r); err != nil {
		return shelfRecord{}, 0, fmt.Errorf("decode shelf: %w", err)
	}
	return r, due, nil
}
