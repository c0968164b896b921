package store

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync/atomic"

	bolt "go.etcd.io/bbolt"

	"frontdoor/flows"
)

// Buckets of callbacks. Callbacks are keyed by their random ticket,
// operators by the HMAC of their chat, outbox items by a sequence number;
// every value is sealed and bound to its bucket and key.
const (
	bucketCallbacks = "callbacks"
	bucketOperators = "operators"
	bucketOutbox    = "outbox"
	// bucketCards maps ticket, 0, HMAC of the chat, message id to the
	// sealed reference of a card, for editing every card of a request.
	bucketCards = "cards"
	// bucketCallbackChats maps the HMAC of her chat to the sealed ticket of
	// her request, so that finding it does not open every request.
	bucketCallbackChats = "callbackchats"
)

// chatTicket is the sealed value of bucketCallbackChats: the ticket, and
// the chat, which only a rekey reads.
type chatTicket struct {
	Ticket string `json:"t"`
	Chat   int64  `json:"c"`
}

// Compile-time checks that DB provides what flows needs.
var (
	_ flows.CallbackStore = (*DB)(nil)
	_ flows.Outbox        = (*DB)(nil)
)

// Apply writes a change in one transaction of the group commit: the session,
// the callbacks (refused with flows.ErrConflict when one changed since it was
// read) and the outbox items. It returns once the commit is durable.
func (db *DB) Apply(ctx context.Context, c flows.Change) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("apply change: %w", err)
	}
	var (
		skey, sval []byte
		sexp       uint64
	)
	if c.Session != nil {
		var err error
		if skey, sval, sexp, err = db.sessionRecord(c.Chat, *c.Session, c.Expires); err != nil {
			return fmt.Errorf("apply change: session: %w", err)
		}
	}
	type rec struct {
		key, val []byte
		version  int
		// ckey, cval: her chat's entry in bucketCallbackChats.
		ckey, cval []byte
	}
	puts := make([]rec, 0, len(c.Put))
	for _, cb := range c.Put {
		version := cb.Version
		cb.Version++
		key := []byte(cb.Ticket)
		sealed, err := db.sealJSON(bucketCallbacks, key, cb)
		if err != nil {
			return fmt.Errorf("apply change: callback: %w", err)
		}
		r := rec{key: key, val: sealed, version: version}
		if version == 0 {
			// A new request: her chat's index entry. Chat and ticket never
			// change afterwards, so later puts leave the entry as it is.
			if r.ckey, r.cval, err = db.chatTicketRecord(cb); err != nil {
				return fmt.Errorf("apply change: callback: %w", err)
			}
		}
		puts = append(puts, r)
	}
	sends := make([][]byte, 0, len(c.Send))
	for _, o := range c.Send {
		pt, err := json.Marshal(o)
		if err != nil {
			return fmt.Errorf("apply change: encode message: %w", err)
		}
		sends = append(sends, pt)
	}
	counts, err := db.countRefs(c.Count)
	if err != nil {
		return fmt.Errorf("apply change: %w", err)
	}
	var dropKey []byte
	if c.DropSession {
		dropKey = db.seal.chatKey(c.Chat)
	}
	// The function may run twice (group commit): a rolled-back run leaves
	// nothing behind, and sealing again only draws a new nonce.
	err = db.gc.commit(db.bolt, func(tx *bolt.Tx) error {
		if err := db.addCounts(tx, counts); err != nil {
			return err
		}
		if skey != nil {
			if err := db.putSession(tx, skey, sval, sexp); err != nil {
				return err
			}
		}
		if dropKey != nil {
			if err := db.deleteSession(tx, dropKey); err != nil {
				return err
			}
		}
		cbs := tx.Bucket([]byte(bucketCallbacks))
		for _, p := range puts {
			cur := 0
			if old := cbs.Get(p.key); old != nil {
				v, err := db.openCallback(p.key, old)
				if err != nil {
					return err
				}
				cur = v.Version
			}
			if cur != p.version {
				return flows.ErrConflict
			}
			if err := cbs.Put(p.key, p.val); err != nil {
				return err
			}
			if p.ckey == nil {
				continue
			}
			if err := tx.Bucket([]byte(bucketCallbackChats)).Put(p.ckey, p.cval); err != nil {
				return err
			}
		}
		for _, t := range c.Delete {
			if err := db.unindexCallback(tx, t); err != nil {
				return err
			}
			if err := cbs.Delete([]byte(t)); err != nil {
				return err
			}
			if err := deletePrefix(tx.Bucket([]byte(bucketCards)), cardPrefix(t)); err != nil {
				return err
			}
		}
		out := tx.Bucket([]byte(bucketOutbox))
		for _, pt := range sends {
			seq, err := out.NextSequence()
			if err != nil {
				return err
			}
			key := binary.BigEndian.AppendUint64(nil, seq)
			sealed, err := db.seal.seal(bucketOutbox, key, pt)
			if err != nil {
				return err
			}
			if err := out.Put(key, sealed); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("apply change: %w", err)
	}
	return nil
}

func (db *DB) openCallback(key, val []byte) (flows.Callback, error) {
	var cb flows.Callback
	if err := db.openJSON(bucketCallbacks, key, val, &cb); err != nil {
		return flows.Callback{}, err
	}
	return cb, nil
}

// Callback returns the callback with a ticket.
func (db *DB) Callback(ctx context.Context, ticket string) (flows.Callback, bool, error) {
	var cb flows.Callback
	found, err := db.getSealed(ctx, bucketCallbacks, []byte(ticket), &cb)
	if err != nil {
		return flows.Callback{}, false, fmt.Errorf("load callback: %w", err)
	}
	return cb, found, nil
}

// unindexCallback removes her chat's entry for the callback ticket, if it
// still points at it.
func (db *DB) unindexCallback(tx *bolt.Tx, ticket string) error {
	v := tx.Bucket([]byte(bucketCallbacks)).Get([]byte(ticket))
	if v == nil {
		return nil
	}
	cb, err := db.openCallback([]byte(ticket), v)
	if err != nil {
		return err
	}
	idx := tx.Bucket([]byte(bucketCallbackChats))
	ckey := db.seal.chatKey(cb.Chat)
	cur := idx.Get(ckey)
	if cur == nil {
		return nil
	}
	var ct chatTicket
	if err := db.openJSON(bucketCallbackChats, ckey, cur, &ct); err != nil {
		return err
	}
	if ct.Ticket != ticket {
		return nil
	}
	return idx.Delete(ckey)
}

// indexCallbacks fills bucketCallbackChats from the callbacks, for a store
// written before the index existed.
func (db *DB) indexCallbacks(tx *bolt.Tx) error {
	idx := tx.Bucket([]byte(bucketCallbackChats))
	return tx.Bucket([]byte(bucketCallbacks)).ForEach(func(k, v []byte) error {
		cb, err := db.openCallback(k, v)
		if err != nil {
			return err
		}
		ckey, cval, err := db.chatTicketRecord(cb)
		if err != nil {
			return err
		}
		return idx.Put(ckey, cval)
	})
}

// chatTicketRecord is the entry of bucketCallbackChats for a callback.
func (db *DB) chatTicketRecord(cb flows.Callback) (key, val []byte, err error) {
	key = db.seal.chatKey(cb.Chat)
	val, err = db.sealJSON(bucketCallbackChats, key, chatTicket{cb.Ticket, cb.Chat})
	return key, val, err
}

// CallbackOf returns the request of a chat, if it has one, through the
// index: the cost does not grow with the number of open requests.
func (db *DB) CallbackOf(ctx context.Context, chat int64) (flows.Callback, bool, error) {
	if err := ctx.Err(); err != nil {
		return flows.Callback{}, false, fmt.Errorf("load callback of chat: %w", err)
	}
	var cb flows.Callback
	found := false
	ckey := db.seal.chatKey(chat)
	err := db.bolt.View(func(tx *bolt.Tx) error {
		v := tx.Bucket([]byte(bucketCallbackChats)).Get(ckey)
		if v == nil {
			return nil
		}
		var ct chatTicket
		if err := db.openJSON(bucketCallbackChats, ckey, v, &ct); err != nil {
			return err
		}
		raw := tx.Bucket([]byte(bucketCallbacks)).Get([]byte(ct.Ticket))
		if raw == nil {
			return nil
		}
		var err error
		cb, err = db.openCallback([]byte(ct.Ticket), raw)
		found = err == nil && cb.Chat == chat
		return err
	})
	if err != nil {
		return flows.Callback{}, false, fmt.Errorf("load callback of chat: %w", err)
	}
	return cb, found, nil
}

// Callbacks returns every stored callback. A record that does not open is
// an error: a request must not silently disappear.
func (db *DB) Callbacks(ctx context.Context) ([]flows.Callback, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("load callbacks: %w", err)
	}
	var out []flows.Callback
	err := db.bolt.View(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte(bucketCallbacks)).ForEach(func(k, v []byte) error {
			cb, err := db.openCallback(k, v)
			if err != nil {
				return err
			}
			out = append(out, cb)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("load callbacks: %w", err)
	}
	return out, nil
}

// operatorCache keeps the operator chats in memory: every menu asks for
// them, and they change only through SaveOperator and DeleteOperator (no
// other process can open the file meanwhile). gen counts those changes; a
// list read while one was being made is not used.
type operatorCache struct {
	gen  atomic.Uint64
	list atomic.Pointer[cachedOperators]
}

type cachedOperators struct {
	gen uint64
	ops []flows.Operator
}

// Operators returns every operator chat.
func (db *DB) Operators(ctx context.Context) ([]flows.Operator, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("load operators: %w", err)
	}
	gen := db.ops.gen.Load()
	if c := db.ops.list.Load(); c != nil && c.gen == gen {
		return slices.Clone(c.ops), nil
	}
	var out []flows.Operator
	err := db.bolt.View(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte(bucketOperators)).ForEach(func(k, v []byte) error {
			var op flows.Operator
			if err := db.openJSON(bucketOperators, k, v, &op); err != nil {
				return err
			}
			out = append(out, op)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("load operators: %w", err)
	}
	db.ops.list.Store(&cachedOperators{gen: gen, ops: slices.Clone(out)})
	return out, nil
}

// SaveOperator adds or replaces an operator chat, sealed under the HMAC of
// its chat id.
func (db *DB) SaveOperator(ctx context.Context, op flows.Operator) error {
	err := db.putSealed(ctx, bucketOperators, db.seal.chatKey(op.Chat), op)
	db.ops.gen.Add(1)
	if err != nil {
		return fmt.Errorf("save operator: %w", err)
	}
	return nil
}

// DeleteOperator removes an operator chat.
func (db *DB) DeleteOperator(ctx context.Context, chat int64) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("delete operator: %w", err)
	}
	key := db.seal.chatKey(chat)
	found := false
	err := db.gc.commit(db.bolt, func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucketOperators))
		found = b.Get(key) != nil
		return b.Delete(key)
	})
	db.ops.gen.Add(1)
	if err != nil {
		return false, fmt.Errorf("delete operator: %w", err)
	}
	return found, nil
}

// Pending returns up to n queued messages, oldest first.
func (db *DB) Pending(ctx context.Context, n int) ([]flows.Outgoing, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("load outbox: %w", err)
	}
	var out []flows.Outgoing
	err := db.bolt.View(func(tx *bolt.Tx) error {
		c := tx.Bucket([]byte(bucketOutbox)).Cursor()
		for k, v := c.First(); k != nil && len(out) < n; k, v = c.Next() {
			var o flows.Outgoing
			if err := db.openJSON(bucketOutbox, k, v, &o); err != nil {
				return err
			}
			if len(k) != 8 {
				return errors.New("outbox key is not 8 bytes")
			}
			o.ID = strconv.FormatUint(binary.BigEndian.Uint64(k), 10)
			if o.Number {
				live, err := db.numberLive(tx, o)
				if err != nil {
					return err
				}
				o.Stale = !live
			}
			out = append(out, o)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load outbox: %w", err)
	}
	return out, nil
}

// Sent removes a delivered message; removing it twice is not an error. For
// a card or a number of a callback that still exists it remembers the
// message sent; a number whose request ended meanwhile is reported stale.
func (db *DB) Sent(ctx context.Context, o flows.Outgoing, messageID int) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("outbox sent: %w", err)
	}
	seq, err := strconv.ParseUint(o.ID, 10, 64)
	if err != nil {
		return false, fmt.Errorf("outbox sent: bad id %q", o.ID)
	}
	key := binary.BigEndian.AppendUint64(nil, seq)
	var ckey, cval []byte
	if o.Card != "" && o.Edit == 0 && messageID != 0 {
		ckey = binary.BigEndian.AppendUint64(append(cardPrefix(o.Card), db.seal.chatKey(o.Chat)...), uint64(messageID))
		var err error
		if cval, err = db.sealJSON(bucketCards, ckey, flows.CardRef{Chat: o.Chat, Message: messageID, Number: o.Number}); err != nil {
			return false, fmt.Errorf("outbox sent: %w", err)
		}
	}
	stale := false
	err = db.gc.commit(db.bolt, func(tx *bolt.Tx) error {
		stale = false
		if err := tx.Bucket([]byte(bucketOutbox)).Delete(key); err != nil {
			return err
		}
		if ckey == nil {
			return nil
		}
		if o.Number {
			live, err := db.numberLive(tx, o)
			if err != nil {
				return err
			}
			if stale = !live; stale {
				return nil
			}
		} else if tx.Bucket([]byte(bucketCallbacks)).Get([]byte(o.Card)) == nil {
			return nil
		}
		return tx.Bucket([]byte(bucketCards)).Put(ckey, cval)
	})
	if err != nil {
		return false, fmt.Errorf("outbox sent: %w", err)
	}
	return stale, nil
}

// numberLive says whether a message with her number may stand in its chat.
func (db *DB) numberLive(tx *bolt.Tx, o flows.Outgoing) (bool, error) {
	v := tx.Bucket([]byte(bucketCallbacks)).Get([]byte(o.Card))
	if v == nil {
		return flows.NumberLive(o, flows.Callback{}, false), nil
	}
	cb, err := db.openCallback([]byte(o.Card), v)
	if err != nil {
		return false, err
	}
	return flows.NumberLive(o, cb, true), nil
}

// Cards returns where the cards of a callback were sent.
func (db *DB) Cards(ctx context.Context, ticket string) ([]flows.CardRef, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("load cards: %w", err)
	}
	var out []flows.CardRef
	prefix := cardPrefix(ticket)
	err := db.bolt.View(func(tx *bolt.Tx) error {
		c := tx.Bucket([]byte(bucketCards)).Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			var ref flows.CardRef
			if err := db.openJSON(bucketCards, k, v, &ref); err != nil {
				return err
			}
			out = append(out, ref)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("load cards: %w", err)
	}
	return out, nil
}

// cardPrefix is the start of the card keys of a ticket.
func cardPrefix(ticket string) []byte { return append([]byte(ticket), 0) }

// deletePrefix deletes the keys of b that start with prefix.
func deletePrefix(b *bolt.Bucket, prefix []byte) error {
	var keys [][]byte
	c := b.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		keys = append(keys, append([]byte(nil), k...))
	}
	for _, k := range keys {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}
