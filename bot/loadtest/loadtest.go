// Package loadtest is the rig that measures frontdoor under load: a lean
// fake Bot API on 127.0.0.1 and simulated women who each send the next
// message of a script as soon as the bot has handled the previous one
// (closed loop). An update counts as handled when the bot acknowledges it
// with its next getUpdates offset, which it does only after the update was
// committed and its replies were sent; latency is measured from the moment
// the update was offered to that acknowledgement.
package loadtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Step is one thing a simulated woman does.
type Step struct {
	Kind  string // "command", "text", "button" or "contact" (Value: the number)
	Value string // "/start", "Cremona", "sos"...
}

// Script is what each simulated woman does, over and over: open the bot,
// search a town, look at what is open, the numbers, ask the centre of
// Cremona for a callback (the first time round; afterwards the bot shows
// her the request she has open), leave. Callbacks need an operator chat for
// arca-cremona in the store.
var Script = []Step{
	{"command", "/start"},
	{"text", "Cremona"},
	{"button", "open"},
	{"button", "sos"},
	{"button", "cb:c:arca-cremona"},
	{"contact", "+393470000000"},
	{"button", "cb:w:asap"},
	{"button", "cb:wok"},
	{"button", "cb:m:none"},
	{"button", "cb:h:yes"},
	{"button", "cb:s:wrong"},
	{"button", "cb:l:it"},
	{"button", "cb:ok"},
	{"button", "exit"},
}

// Server is the fake Bot API of the rig.
type Server struct {
	token string
	srv   *http.Server
	addr  string

	mu      sync.Mutex
	changed chan struct{}
	pending []pendingUpdate // offered, not yet acknowledged
	nextID  int
	nextMsg int

	sent    atomic.Int64
	toStaff atomic.Int64 // messages to group chats: cards to operators
	calls   atomic.Int64
	latency []time.Duration // of acknowledged updates
}

type pendingUpdate struct {
	id      int
	body    json.RawMessage
	offered time.Time
	done    chan struct{}
}

// NewServer starts a fake Bot API on 127.0.0.1 that accepts token.
func NewServer(token string) (*Server, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listen on 127.0.0.1: %w", err)
	}
	s := &Server{token: token, addr: l.Addr().String(), changed: make(chan struct{}), nextID: 1, nextMsg: 1}
	s.srv = &http.Server{Handler: http.HandlerFunc(s.serve), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.srv.Serve(l) }()
	return s, nil
}

// Endpoint is the API endpoint for FRONTDOOR_TELEGRAM_API.
func (s *Server) Endpoint() string { return "http://" + s.addr + "/bot%s/%s" }

// Close stops the server.
func (s *Server) Close() error { return s.srv.Close() }

// Ready waits until the bot has called the API once (getMe at start).
func (s *Server) Ready(ctx context.Context) error {
	for s.calls.Load() == 0 {
		select {
		case <-ctx.Done():
			return fmt.Errorf("the bot did not call the Bot API: %w", ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
	return nil
}

// offer queues an update and returns a channel closed when the bot
// acknowledges it.
func (s *Server) offer(chat int64, step Step) <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.nextID
	s.nextID++
	msgID := s.nextMsg
	s.nextMsg++
	from := map[string]any{"id": chat, "is_bot": false, "first_name": "W", "language_code": "it"}
	chatObj := map[string]any{"id": chat, "type": "private"}
	var u map[string]any
	switch step.Kind {
	case "button":
		u = map[string]any{"update_id": id, "callback_query": map[string]any{
			"id": strconv.Itoa(id), "from": from, "chat_instance": "x", "data": step.Value,
			"message": map[string]any{"message_id": msgID, "date": 0, "chat": chatObj},
		}}
	default:
		m := map[string]any{"message_id": msgID, "date": time.Now().Unix(), "chat": chatObj, "from": from, "text": step.Value}
		if step.Kind == "contact" {
			delete(m, "text")
			m["contact"] = map[string]any{"phone_number": step.Value, "first_name": "W", "user_id": chat}
		}
		if step.Kind == "command" {
			cmd, _, _ := strings.Cut(step.Value, " ")
			m["entities"] = []map[string]any{{"type": "bot_command", "offset": 0, "length": len(cmd)}}
		}
		u = map[string]any{"update_id": id, "message": m}
	}
	body, _ := json.Marshal(u) // plain maps: cannot fail
	p := pendingUpdate{id: id, body: body, offered: time.Now(), done: make(chan struct{})}
	s.pending = append(s.pending, p)
	close(s.changed)
	s.changed = make(chan struct{})
	return p.done
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.calls.Add(1)
	path := strings.TrimPrefix(r.URL.Path, "/bot")
	token, method, ok := strings.Cut(path, "/")
	if !ok || token != s.token {
		writeJSON(w, `{"ok":false,"error_code":401,"description":"Unauthorized"}`)
		return
	}
	if err := r.ParseForm(); err != nil {
		writeJSON(w, `{"ok":false,"error_code":400,"description":"Bad Request"}`)
		return
	}
	switch method {
	case "getMe":
		writeJSON(w, `{"ok":true,"result":{"id":1000,"is_bot":true,"first_name":"Bot","username":"load_test_bot"}}`)
	case "getUpdates":
		s.getUpdates(w, r)
	case "sendMessage", "sendDocument":
		s.sent.Add(1)
		s.mu.Lock()
		id := s.nextMsg
		s.nextMsg++
		s.mu.Unlock()
		chat := r.Form.Get("chat_id")
		if id, err := strconv.ParseInt(chat, 10, 64); err == nil && id < 0 {
			s.toStaff.Add(1)
		}
		if _, err := strconv.ParseInt(chat, 10, 64); err != nil {
			writeJSON(w, `{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}`)
			return
		}
		writeJSON(w, `{"ok":true,"result":{"message_id":`+strconv.Itoa(id)+`,"date":0,"chat":{"id":`+chat+`,"type":"private"}}}`)
	default: // answerCallbackQuery, deleteMessages, setMyCommands...
		writeJSON(w, `{"ok":true,"result":true}`)
	}
}

// getUpdates acknowledges every update below offset (recording its
// latency), then returns the others, waiting up to timeout for one.
func (s *Server) getUpdates(w http.ResponseWriter, r *http.Request) {
	offset, _ := strconv.Atoi(r.Form.Get("offset"))
	timeout, _ := strconv.Atoi(r.Form.Get("timeout"))
	limit, _ := strconv.Atoi(r.Form.Get("limit"))
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	deadline := time.After(time.Duration(timeout) * time.Second)
	for {
		now := time.Now()
		s.mu.Lock()
		kept := s.pending[:0]
		for _, p := range s.pending {
			if p.id < offset {
				s.latency = append(s.latency, now.Sub(p.offered))
				close(p.done)
				continue
			}
			kept = append(kept, p)
		}
		clear(s.pending[len(kept):])
		s.pending = kept
		if len(kept) > 0 || timeout == 0 {
			n := min(len(kept), limit)
			parts := make([]string, n)
			for i := range n {
				parts[i] = string(kept[i].body)
			}
			s.mu.Unlock()
			writeJSON(w, `{"ok":true,"result":[`+strings.Join(parts, ",")+`]}`)
			return
		}
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ch:
		case <-deadline:
			writeJSON(w, `{"ok":true,"result":[]}`)
			return
		case <-r.Context().Done():
			return
		}
	}
}

func writeJSON(w http.ResponseWriter, body string) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(body))
}

// Result is what a run measured.
type Result struct {
	Women   int
	Updates int // acknowledged by the bot
	Replies int64
	// ToOperators counts the messages sent to operators' group chats.
	ToOperators int64
	Elapsed     time.Duration
	P50, P95    time.Duration
	P99, Max    time.Duration
}

// RepliesPerSecond is the throughput of the run.
func (r Result) RepliesPerSecond() float64 { return float64(r.Replies) / r.Elapsed.Seconds() }

// Drive plays women simulated women, each on her own chat, each doing
// script over and over, until duration has passed or ctx ends. It is
// bounded in time by construction; an update the bot never acknowledges
// stops its woman at the end of the run.
func (s *Server) Drive(ctx context.Context, women int, duration time.Duration, script []Step) (Result, error) {
	if women < 1 || len(script) == 0 || duration <= 0 {
		return Result{}, errors.New("loadtest: need at least one woman, one step and a duration")
	}
	ctx, cancel := context.WithTimeout(ctx, duration)
	defer cancel()
	s.mu.Lock()
	s.latency = s.latency[:0]
	s.mu.Unlock()
	sent0, staff0 := s.sent.Load(), s.toStaff.Load()
	start := time.Now()
	var wg sync.WaitGroup
	for i := range women {
		chat := int64(1_000_000 + i)
		wg.Go(func() {
			for n := 0; ctx.Err() == nil; n++ {
				select {
				case <-s.offer(chat, script[n%len(script)]):
				case <-ctx.Done():
				}
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	s.mu.Lock()
	lat := slices.Clone(s.latency)
	s.mu.Unlock()
	res := Result{Women: women, Updates: len(lat), Replies: s.sent.Load() - sent0, ToOperators: s.toStaff.Load() - staff0, Elapsed: elapsed}
	if len(lat) > 0 {
		slices.Sort(lat)
		pct := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
		res.P50, res.P95, res.P99, res.Max = pct(0.50), pct(0.95), pct(0.99), lat[len(lat)-1]
	}
	return res, nil
}
