package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"

	"frontdoor/flows"
)

// sessionRecord is the sealed value of a session: the session and the raw
// chat id, which only a rekey reads (to derive the record key under the new
// key). Sessions written before it carry no chat id and are dropped by a
// rekey: she starts afresh, which is all a session is worth.
type sessionRecord struct {
	flows.Session
	Chat int64 `json:"_c,omitempty"`
}

// sealedBucket is a bucket of sealed records about a chat, with its expiry
// index, that a rekey re-seals. A new bucket of sealed records must be
// added to sealedBuckets, and a new bucket of plain data to plainBuckets:
// Rekey refuses a store with a bucket it does not know, so that no record
// is left sealed under a key that is going away.
type sealedBucket struct {
	name, index string
	// chat reads the chat id from an opened record; 0 when it has none.
	chat func(plaintext []byte) int64
}

func sealedBuckets() []sealedBucket {
	return []sealedBucket{
		{bucketSessions, bucketSessionExpiry, func(pt []byte) int64 {
			var r sessionRecord
			_ = json.Unmarshal(pt, &r)
			return r.Chat
		}},
		{bucketTrail, bucketTrailDue, func(pt []byte) int64 {
			var r trailRecord
			_ = json.Unmarshal(pt, &r)
			return r.Chat
		}},
	}
}

// plainBuckets hold no personal data: the directory, the meta records.
var plainBuckets = []string{bucketDirectory, bucketMeta}

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
		known := slices.Clone(plainBuckets)
		for _, b := range sealedBuckets() {
			known = append(known, b.name, b.index)
		}
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

// rekeyBucket rebuilds one sealed bucket and its index under ns. Records
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
	for _, name := range []string{b.name, b.index} {
		if err := tx.DeleteBucket([]byte(name)); err != nil {
			return 0, 0, err
		}
		if _, err := tx.CreateBucket([]byte(name)); err != nil {
			return 0, 0, err
		}
	}
	bucket, index := tx.Bucket([]byte(b.name)), tx.Bucket([]byte(b.index))
	for _, r := range recs {
		if len(r.val) < 8 {
			dropped++
			continue
		}
		pt, err := db.seal.open(b.name, r.key, r.val[8:])
		chat := int64(0)
		if err == nil {
			chat = b.chat(pt)
		}
		if chat == 0 {
			dropped++
			continue
		}
		key := ns.chatKey(chat)
		sealed, err := ns.seal(b.name, key, pt)
		if err != nil {
			return 0, 0, err
		}
		if err := bucket.Put(key, append(slices.Clone(r.val[:8]), sealed...)); err != nil {
			return 0, 0, err
		}
		if err := index.Put(append(slices.Clone(r.val[:8]), key...), nil); err != nil {
			return 0, 0, err
		}
		resealed++
	}
	return resealed, dropped, nil
}
