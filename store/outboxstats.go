package store

import (
	"context"
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// OutboxBacklog is the number of messages waiting in the outbox and the
// sequence number of the oldest one (0 when none), for health and metrics.
// It reads only keys: nothing is unsealed.
func (db *DB) OutboxBacklog(ctx context.Context) (n int, oldest uint64, err error) {
	if err := ctx.Err(); err != nil {
		return 0, 0, fmt.Errorf("outbox backlog: %w", err)
	}
	err = db.bolt.View(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucketOutbox))
		n = b.Stats().KeyN
		if k, _ := b.Cursor().First(); len(k) == 8 {
			oldest = binary.BigEndian.Uint64(k)
		}
		return nil
	})
	if err != nil {
		return 0, 0, fmt.Errorf("outbox backlog: %w", err)
	}
	return n, oldest, nil
}
