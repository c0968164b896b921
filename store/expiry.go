package store

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"

	bolt "go.etcd.io/bbolt"
)

// Records that expire (sessions, wipe trails) keep their due time sealed
// inside them, and their bucket's index holds entries that point to them
// only through a sealed value: a stolen file shows when some chat is due,
// never which chat, nor a chat's record next to its times.

// timedForm starts a record whose due time is sealed with it. Records of
// the older form start with their due time in clear, whose first byte is
// 0 for any time before the year 2^56 s.
const timedForm = 1

// dueTagLen is how many bytes of the HMAC tell index entries of one second
// apart.
const dueTagLen = 16

// sealTimed seals body with its due time (unix seconds).
func (s *sealer) sealTimed(bucket string, key []byte, due uint64, body []byte) ([]byte, error) {
	pt := binary.BigEndian.AppendUint64(make([]byte, 0, 8+len(body)), due)
	sealed, err := s.seal(bucket, key, append(pt, body...))
	if err != nil {
		return nil, err
	}
	return append([]byte{timedForm}, sealed...), nil
}

// openTimed opens a record of either form and returns its due time and
// body.
func (s *sealer) openTimed(bucket string, key, val []byte) (due uint64, body []byte, err error) {
	switch {
	case len(val) > 0 && val[0] == timedForm:
		pt, err := s.open(bucket, key, val[1:])
		if err != nil {
			return 0, nil, err
		}
		if len(pt) < 8 {
			return 0, nil, errOpen
		}
		return binary.BigEndian.Uint64(pt[:8]), pt[8:], nil
	case len(val) >= 8:
		body, err := s.open(bucket, key, val[8:])
		return binary.BigEndian.Uint64(val[:8]), body, err
	}
	return 0, nil, errOpen
}

// dueKey is the index key of the record key due at due: the time, so that
// a cursor walks the index in time order, then a tag that is an HMAC of
// the record key and the time, so that it changes with every due time and
// links to no record.
func (s *sealer) dueKey(index string, key []byte, due uint64) []byte {
	m := hmac.New(sha256.New, s.macKey)
	m.Write([]byte(index))
	m.Write([]byte{0})
	m.Write(key)
	m.Write(binary.BigEndian.AppendUint64(nil, due))
	return m.Sum(binary.BigEndian.AppendUint64(make([]byte, 0, 8+sha256.Size), due))[:8+dueTagLen]
}

// putDue writes the index entry of key due at due: its value is the record
// key, sealed.
func (s *sealer) putDue(tx *bolt.Tx, index string, key []byte, due uint64) error {
	k := s.dueKey(index, key, due)
	v, err := s.seal(index, k, key)
	if err != nil {
		return err
	}
	return tx.Bucket([]byte(index)).Put(k, v)
}

// deleteDue deletes the index entry of key due at due.
func (s *sealer) deleteDue(tx *bolt.Tx, index string, key []byte, due uint64) error {
	return tx.Bucket([]byte(index)).Delete(s.dueKey(index, key, due))
}

// dueRecord opens an index entry: the record key it points to.
func (s *sealer) dueRecord(index string, k, v []byte) ([]byte, error) {
	return s.open(index, k, v)
}

// eachDue calls f with the index entries due at or before max, earliest
// first, until f returns false. k and v live only in the transaction.
func eachDue(tx *bolt.Tx, index string, max uint64, f func(k, v []byte) bool) {
	c := tx.Bucket([]byte(index)).Cursor()
	for k, v := c.First(); k != nil && len(k) >= 8 && binary.BigEndian.Uint64(k[:8]) <= max; k, v = c.Next() {
		if !f(k, v) {
			return
		}
	}
}
