package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"

	"frontdoor/flows"
)

// sealedSession is the sealed value of a session: the session and the raw
// chat id, which only a rekey reads (to derive the record key under the new
// key). Sessions written before it carry no chat id and are dropped by a
// rekey: she starts afresh, which is all a session is worth.
type sealedSession struct {
	flows.Session
	Chat int64 `json:"_c,omitempty"`
}

// staffRecord is the sealed value of a member of staff: her grants and her
// user id, which only a rekey reads.
type staffRecord struct {
	flows.Staff
	User int64 `json:"_u,omitempty"`
}

// errDrop tells rekeyBucket to drop a record that cannot be carried over.
var errDrop = errors.New("record cannot be carried over")

// sealedBucket is a bucket of sealed records that a rekey re-seals. A new
// bucket of sealed records must be added to sealedBuckets, and a bucket of
// plain data to plainBuckets: Open creates only these (allBuckets), and
// Rekey refuses a store with a bucket it does not know, so that no record
// is left sealed under a key that is going away.
type sealedBucket struct {
	name string
	// index, when not empty, is the bucket's expiry index: its records
	// are timed (their due time sealed with them, see expiry.go), and
	// the index is rebuilt from them.
	index string
	// key returns the record's key under ns: derived again from the chat
	// id sealed in it, or the same key when it is not an HMAC. errDrop
	// drops the record; another error stops the rekey.
	key func(ns *sealer, old, plaintext []byte) ([]byte, error)
}

// fromChat derives the record key from a chat id read from the record.
func fromChat(read func(pt []byte) int64) func(ns *sealer, old, pt []byte) ([]byte, error) {
	return func(ns *sealer, _, pt []byte) ([]byte, error) {
		if chat := read(pt); chat != 0 {
			return ns.chatKey(chat), nil
		}
		return nil, errDrop
	}
}

// sameKey keeps a record key that is not derived from the master key.
func sameKey(_ *sealer, old, _ []byte) ([]byte, error) { return old, nil }

func sealedBuckets() []sealedBucket {
	return []sealedBucket{
		{bucketSessions, bucketSessionExpiry, fromChat(func(pt []byte) int64 {
			var r sealedSession
			_ = json.Unmarshal(pt, &r)
			return r.Chat
		})},
		{bucketTrail, bucketTrailDue, fromChat(func(pt []byte) int64 {
			r, _ := decodeTrail(pt)
			return r.Chat
		})},
		{bucketShelf, bucketShelfDue, fromChat(func(pt []byte) int64 {
			var r shelfRecord
			_ = json.Unmarshal(pt, &r)
			return r.Chat
		})},
		// Staff are never dropped: they would lose their access.
		{bucketStaff, "", func(ns *sealer, _, pt []byte) ([]byte, error) {
			var r staffRecord
			if json.Unmarshal(pt, &r) != nil || r.User == 0 {
				return nil, errors.New("a member of staff was saved without her user id (before this version): change her role once, then rekey")
			}
			return ns.chatKey(r.User), nil
		}},
		{bucketDirectory, "", sameKey}, // "current"
		// month, then an HMAC of the rest of the counter's name
		{bucketStats, "", func(ns *sealer, old, pt []byte) ([]byte, error) {
			if len(old) < 7 || len(pt) < 8 {
				return nil, errDrop
			}
			return ns.statKey(string(old[:7]), pt[8:]), nil
		}},
		{bucketInvites, "", sameKey},   // SHA-256 of the code
		{bucketAudit, "", sameKey},     // time and random bytes
		{bucketCallbacks, "", sameKey}, // the random ticket
		{bucketOutbox, "", sameKey},    // a sequence number
		{bucketCallbackChats, "", fromChat(func(pt []byte) int64 {
			var ct chatTicket
			_ = json.Unmarshal(pt, &ct)
			return ct.Chat
		})},
		{bucketOperators, "", fromChat(func(pt []byte) int64 {
			var op flows.Operator
			_ = json.Unmarshal(pt, &op)
			return op.Chat
		})},
		// ticket, 0, HMAC of the chat, message id: the HMAC is derived
		// again from the chat in the sealed card reference.
		{bucketCards, "", func(ns *sealer, old, pt []byte) ([]byte, error) {
			var ref flows.CardRef
			if json.Unmarshal(pt, &ref) != nil || ref.Chat == 0 || len(old) < 8+32 {
				return nil, errDrop
			}
			n := len(old)
			key := append(slices.Clone(old[:n-40]), ns.chatKey(ref.Chat)...)
			return append(key, old[n-8:]...), nil
		}},
	}
}

// plainBuckets hold nothing a stolen file may tell: the schema version
// and the key check.
var plainBuckets = []string{bucketMeta}

// allBuckets names every bucket of the store: Open creates them, and rekey
// refuses a store holding any other.
func allBuckets() []string {
	all := slices.Clone(plainBuckets)
	for _, b := range sealedBuckets() {
		all = append(all, b.name)
		if b.index != "" {
			all = append(all, b.index)
		}
	}
	return all
}

// RekeyResult says what a rekey did.
type RekeyResult struct {
	// Resealed counts the records sealed again under the new key.
	Resealed int
	// Dropped counts records that could not be carried over: sessions
	// written before chat ids were sealed with them, or records that did
	// not open. They held nothing a woman would miss for long.
	Dropped int
}

// Rekey seals everything in the store at path under newKey, in one
// transaction: every sealed record is opened with oldKey, its record key
// (an HMAC of the chat id) derived again under newKey, and sealed again;
// the key check is replaced. A crash leaves the store wholly under one key
// or the other. The bot must be stopped (the file lock makes sure).
func Rekey(path string, oldKey, newKey []byte, opts Options) (RekeyResult, error) {
	ns, err := newSealer(newKey)
	if err != nil {
		return RekeyResult{}, fmt.Errorf("rekey: new key: %w", err)
	}
	db, err := Open(path, oldKey, opts)
	if err != nil {
		return RekeyResult{}, err
	}
	res, err := db.rekey(ns)
	return res, errors.Join(err, db.Close())
}

func (db *DB) rekey(ns *sealer) (RekeyResult, error) {
	var res RekeyResult
	err := db.bolt.Update(func(tx *bolt.Tx) error {
		res = RekeyResult{}
		known := allBuckets()
		err := tx.ForEach(func(name []byte, _ *bolt.Bucket) error {
			if !slices.Contains(known, string(name)) {
				return fmt.Errorf("bucket %q is unknown to rekey: add it to sealedBuckets or plainBuckets", name)
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, b := range sealedBuckets() {
			n, dropped, err := db.rekeyBucket(tx, b, ns)
			if err != nil {
				return fmt.Errorf("bucket %s: %w", b.name, err)
			}
			res.Resealed += n
			res.Dropped += dropped
		}
		return tx.Bucket([]byte(bucketMeta)).Put([]byte(keyKeyCheck), ns.keyCheck())
	})
	if err != nil {
		return RekeyResult{}, fmt.Errorf("rekey %s: %w", db.path, err)
	}
	return res, nil
}

// rekeyBucket rebuilds one sealed bucket (and its index) under ns. Records
// are read first and the buckets recreated, since writing under a cursor
// can skip entries.
func (db *DB) rekeyBucket(tx *bolt.Tx, b sealedBucket, ns *sealer) (resealed, dropped int, err error) {
	type rec struct{ key, val []byte }
	var recs []rec
	err = tx.Bucket([]byte(b.name)).ForEach(func(k, v []byte) error {
		recs = append(recs, rec{slices.Clone(k), slices.Clone(v)})
		return nil
	})
	if err != nil {
		return 0, 0, err
	}
	names := []string{b.name}
	if b.index != "" {
		names = append(names, b.index)
	}
	for _, name := range names {
		if err := tx.DeleteBucket([]byte(name)); err != nil {
			return 0, 0, err
		}
		if _, err := tx.CreateBucket([]byte(name)); err != nil {
			return 0, 0, err
		}
	}
	bucket := tx.Bucket([]byte(b.name))
	for _, r := range recs {
		var (
			pt, key, sealed []byte
			due             uint64
			err             error
		)
		if b.index != "" {
			due, pt, err = db.seal.openTimed(b.name, r.key, r.val)
		} else {
			pt, err = db.seal.open(b.name, r.key, r.val)
		}
		if err == nil {
			key, err = b.key(ns, r.key, pt)
		}
		if errors.Is(err, errDrop) || errors.Is(err, errOpen) {
			dropped++
			continue
		}
		if err != nil {
			return 0, 0, err
		}
		if b.index != "" {
			sealed, err = ns.sealTimed(b.name, key, due, pt)
		} else {
			sealed, err = ns.seal(b.name, key, pt)
		}
		if err != nil {
			return 0, 0, err
		}
		if err := bucket.Put(key, sealed); err != nil {
			return 0, 0, err
		}
		if b.index != "" {
			if err := ns.putDue(tx, b.index, key, due); err != nil {
				return 0, 0, err
			}
		}
		resealed++
	}
	return resealed, dropped, nil
}
