package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"log/slog"
	"time"

	bolt "go.etcd.io/bbolt"

	"frontdoor/flows/logattr"
)

// sweepBatch bounds the deletions of one transaction, so a large sweep never
// holds the writer lock (and every chat's reply) for long.
const sweepBatch = 1000

// Sweep deletes the sessions whose expiry is at or before now and returns
// how many it deleted. It walks the expiry index in transactions of at most
// 1000 sessions and stops early when ctx is done.
func (db *DB) Sweep(ctx context.Context, now time.Time) (int, error) {
	limit := nowSeconds(now)
	removed := 0
	for {
		if err := ctx.Err(); err != nil {
			return removed, fmt.Errorf("sweep sessions: %w", err)
		}
		n, more := 0, false
		err := db.bolt.Update(func(tx *bolt.Tx) error {
			n, more = 0, false
			sessions := tx.Bucket([]byte(bucketSessions))
			index := tx.Bucket([]byte(bucketSessionExpiry))
			// Collect first, delete after: deleting under a bbolt cursor can
			// skip entries.
			var keys [][]byte
			c := index.Cursor()
			for k, _ := c.First(); k != nil; k, _ = c.Next() {
				if len(k) < 8 || binary.BigEndian.Uint64(k[:8]) > limit {
					break
				}
				if len(keys) == sweepBatch {
					more = true
					break
				}
				keys = append(keys, append([]byte(nil), k...))
			}
			for _, k := range keys {
				if err := index.Delete(k); err != nil {
					return err
				}
				rec := k[8:]
				// Delete the session only if this index entry is its current
				// expiry; a stale entry alone is just dropped.
				if v := sessions.Get(rec); len(v) >= 8 && bytes.Equal(v[:8], k[:8]) {
					if err := sessions.Delete(rec); err != nil {
						return err
					}
					n++
				}
			}
			return nil
		})
		if err != nil {
			return removed, fmt.Errorf("sweep sessions: %w", err)
		}
		removed += n
		if !more {
			return removed, nil
		}
	}
}

// RunSweeper sweeps expired sessions now and then every interval until ctx
// is done. It logs only counts and errors, never anything about a chat.
func (db *DB) RunSweeper(ctx context.Context, every time.Duration, log *slog.Logger) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if every <= 0 {
		every = time.Minute
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		n, err := db.Sweep(ctx, db.now())
		if db.onSweep != nil && (err == nil || ctx.Err() == nil) {
			db.onSweep(n, err)
		}
		switch {
		case err != nil && ctx.Err() == nil:
			log.LogAttrs(ctx, slog.LevelWarn, "sweep failed", logattr.Event("sweep_failed"), logattr.Count("count", n), logattr.Err(err))
		case n > 0:
			log.LogAttrs(ctx, slog.LevelInfo, "sessions swept", logattr.Event("sessions_swept"), logattr.Count("count", n))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
