package memstore

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	"frontdoor/flows"
)

// Compile-time checks that Store provides what flows needs.
var (
	_ flows.CallbackStore = (*Store)(nil)
	_ flows.Outbox        = (*Store)(nil)
)

// Apply writes a change atomically: nothing of it when a callback changed
// since it was read (flows.ErrConflict).
func (s *Store) Apply(ctx context.Context, c flows.Change) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("apply change: %w", err)
	}
	var sess []byte
	if c.Session != nil {
		var err error
		if sess, err = json.Marshal(c.Session); err != nil {
			return fmt.Errorf("apply change: %w", err)
		}
	}
	puts := make(map[string][]byte, len(c.Put))
	for _, cb := range c.Put {
		cb.Version++
		b, err := json.Marshal(cb)
		if err != nil {
			return fmt.Errorf("apply change: %w", err)
		}
		puts[cb.Ticket] = b
	}
	sends := make([][]byte, 0, len(c.Send))
	for _, o := range c.Send {
		b, err := json.Marshal(o)
		if err != nil {
			return fmt.Errorf("apply change: %w", err)
		}
		sends = append(sends, b)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, cb := range c.Put {
		cur := 0
		if old, ok := s.callbacks[cb.Ticket]; ok {
			var v flows.Callback
			if err := json.Unmarshal(old, &v); err != nil {
				return fmt.Errorf("apply change: %w", err)
			}
			cur = v.Version
		}
		if cur != cb.Version {
			return fmt.Errorf("apply change: %w", flows.ErrConflict)
		}
	}
	if s.callbacks == nil {
		s.callbacks = map[string][]byte{}
	}
	if sess != nil {
		s.sessions[c.Chat] = entry{session: sess, expires: c.Expires}
	}
	if c.DropSession {
		delete(s.sessions, c.Chat)
	}
	for k, v := range puts {
		s.callbacks[k] = v
	}
	for _, t := range c.Delete {
		delete(s.callbacks, t)
		delete(s.cards, t)
	}
	for _, b := range sends {
		s.seq++
		s.outbox = append(s.outbox, queued{id: s.seq, msg: b})
	}
	if s.stats == nil {
		s.stats = map[flows.Count]int64{}
	}
	for _, k := range c.Count {
		s.stats[k]++
	}
	return nil
}

// Callback returns a copy of the callback with a ticket.
func (s *Store) Callback(ctx context.Context, ticket string) (flows.Callback, bool, error) {
	if err := ctx.Err(); err != nil {
		return flows.Callback{}, false, fmt.Errorf("load callback: %w", err)
	}
	s.mu.Lock()
	b, ok := s.callbacks[ticket]
	s.mu.Unlock()
	if !ok {
		return flows.Callback{}, false, nil
	}
	var cb flows.Callback
	if err := json.Unmarshal(b, &cb); err != nil {
		return flows.Callback{}, false, fmt.Errorf("load callback: %w", err)
	}
	return cb, true, nil
}

// CallbackOf returns a copy of the callback of a chat. The memory store
// looks through them all: it holds a handful.
func (s *Store) CallbackOf(ctx context.Context, chat int64) (flows.Callback, bool, error) {
	cbs, err := s.Callbacks(ctx)
	if err != nil {
		return flows.Callback{}, false, fmt.Errorf("load callback of chat: %w", err)
	}
	for _, cb := range cbs {
		if cb.Chat == chat {
			return cb, true, nil
		}
	}
	return flows.Callback{}, false, nil
}

// Callbacks returns copies of every callback, by ticket.
func (s *Store) Callbacks(ctx context.Context) ([]flows.Callback, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("load callbacks: %w", err)
	}
	s.mu.Lock()
	keys := make([]string, 0, len(s.callbacks))
	for k := range s.callbacks {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]flows.Callback, 0, len(keys))
	var err error
	for _, k := range keys {
		var cb flows.Callback
		if err = json.Unmarshal(s.callbacks[k], &cb); err != nil {
			break
		}
		out = append(out, cb)
	}
	s.mu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("load callbacks: %w", err)
	}
	return out, nil
}

// Operators returns every operator chat, by chat id.
func (s *Store) Operators(ctx context.Context) ([]flows.Operator, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("load operators: %w", err)
	}
	s.mu.Lock()
	out := make([]flows.Operator, 0, len(s.operators))
	for _, op := range s.operators {
		out = append(out, op)
	}
	s.mu.Unlock()
	slices.SortFunc(out, func(a, b flows.Operator) int { return int(a.Chat - b.Chat) })
	return out, nil
}

// SaveOperator adds or replaces an operator chat.
func (s *Store) SaveOperator(ctx context.Context, op flows.Operator) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("save operator: %w", err)
	}
	s.mu.Lock()
	if s.operators == nil {
		s.operators = map[int64]flows.Operator{}
	}
	s.operators[op.Chat] = op
	s.mu.Unlock()
	return nil
}

// DeleteOperator removes an operator chat.
func (s *Store) DeleteOperator(ctx context.Context, chat int64) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("delete operator: %w", err)
	}
	s.mu.Lock()
	_, ok := s.operators[chat]
	delete(s.operators, chat)
	s.mu.Unlock()
	return ok, nil
}

// Pending returns up to n queued messages, oldest first.
func (s *Store) Pending(ctx context.Context, n int) ([]flows.Outgoing, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("load outbox: %w", err)
	}
	s.mu.Lock()
	q := slices.Clone(s.outbox[:min(n, len(s.outbox))])
	s.mu.Unlock()
	out := make([]flows.Outgoing, 0, len(q))
	for _, m := range q {
		var o flows.Outgoing
		if err := json.Unmarshal(m.msg, &o); err != nil {
			return nil, fmt.Errorf("load outbox: %w", err)
		}
		o.ID = strconv.FormatUint(m.id, 10)
		if o.Number {
			live, err := s.numberLive(o)
			if err != nil {
				return nil, fmt.Errorf("load outbox: %w", err)
			}
			o.Stale = !live
		}
		out = append(out, o)
	}
	return out, nil
}

// numberLive says whether a message with her number may stand in its chat.
func (s *Store) numberLive(o flows.Outgoing) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.numberLiveLocked(o)
}

// numberLiveLocked is numberLive with s.mu held.
func (s *Store) numberLiveLocked(o flows.Outgoing) (bool, error) {
	b, ok := s.callbacks[o.Card]
	var cb flows.Callback
	if ok {
		if err := json.Unmarshal(b, &cb); err != nil {
			return false, err
		}
	}
	return flows.NumberLive(o, cb, ok), nil
}

// Sent removes a delivered message and remembers where a card or a number
// went; a number whose request ended meanwhile is reported stale.
func (s *Store) Sent(ctx context.Context, o flows.Outgoing, messageID int) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("outbox sent: %w", err)
	}
	seq, err := strconv.ParseUint(o.ID, 10, 64)
	if err != nil {
		return false, fmt.Errorf("outbox sent: bad id %q", o.ID)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.outbox = slices.DeleteFunc(s.outbox, func(q queued) bool { return q.id == seq })
	if o.Card == "" || o.Edit != 0 || messageID == 0 {
		return false, nil
	}
	live := true
	if o.Number {
		if live, err = s.numberLiveLocked(o); err != nil {
			return false, fmt.Errorf("outbox sent: %w", err)
		}
	}
	if _, ok := s.callbacks[o.Card]; ok && live {
		if s.cards == nil {
			s.cards = map[string][]flows.CardRef{}
		}
		s.cards[o.Card] = append(s.cards[o.Card], flows.CardRef{Chat: o.Chat, Message: messageID, Number: o.Number})
	}
	return !live, nil
}

// Cards returns where the cards of a callback were sent.
func (s *Store) Cards(ctx context.Context, ticket string) ([]flows.CardRef, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("load cards: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.cards[ticket]), nil
}

type queued struct {
	id  uint64
	msg []byte
}
