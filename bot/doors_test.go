package bot_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"frontdoor/bot"
	"frontdoor/flows"
	"frontdoor/flows/directory"
	"frontdoor/flows/dirfile"
	"frontdoor/store/memstore"
)

// TestChatRanges: a web chat is never a chat Telegram can have (private
// chats are user ids, groups and channels negative, all within 52 bits),
// nor the console's; and a cookie's chat is always the same.
func TestChatRanges(t *testing.T) {
	const bits52 = int64(1)<<52 - 1
	for _, chat := range []int64{bot.ConsoleChat, 987654321, bits52, -bits52, -1001234567890, -100123} {
		if bot.IsWebChat(chat) || !bot.IsTelegramChat(chat) {
			t.Errorf("chat %d taken for a web chat", chat)
		}
	}
	seen := map[int64]bool{}
	for range 1000 {
		id := make([]byte, 32)
		rand.Read(id)
		chat := bot.WebChat(id)
		if !bot.IsWebChat(chat) || bot.IsTelegramChat(chat) || chat <= bits52 {
			t.Fatalf("web chat %d outside the web range", chat)
		}
		if bot.WebChat(id) != chat {
			t.Fatal("the same cookie gave two chats")
		}
		if seen[chat] {
			t.Fatal("two cookies gave one chat")
		}
		seen[chat] = true
	}
}

// outboxDoor is a door that records what it is given to deliver.
type outboxDoor struct {
	owns func(int64) bool
	mu   sync.Mutex
	got  []flows.Outgoing
}

func (d *outboxDoor) Owns(chat int64) bool { return d.owns(chat) }

func (d *outboxDoor) Deliver(_ context.Context, o flows.Outgoing, _ bot.Message) (int, int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.got = append(d.got, o)
	return len(d.got), 1, nil
}

func (d *outboxDoor) Withdraw(context.Context, int64, int) {}

// drops counts the messages dropped, by kind.
type drops struct {
	mu   sync.Mutex
	kind []string
}

func (d *drops) OutboxDropped(kind string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.kind = append(d.kind, kind)
}

// TestDeliveryByDoor: each message of the outbox goes to the door its chat
// belongs to, in order, so that a web chat never reaches Telegram; without
// a web door, a message for the web is dropped and counted. Every message
// leaves the outbox.
func TestDeliveryByDoor(t *testing.T) {
	web := bot.WebChat([]byte("her cookie"))
	for _, withWeb := range []bool{true, false} {
		t.Run(fmt.Sprintf("web door %v", withWeb), func(t *testing.T) {
			st := memstore.New()
			ctx := context.Background()
			msgs := []flows.Outgoing{
				{Chat: -100123, Lang: "it", Reply: flows.Reply{Texts: []flows.Text{flows.T("op.card.new")}}},
				{Chat: web, Lang: "en", Hers: true, Reply: flows.Reply{Texts: []flows.Text{flows.T("cb.final.title")}}},
				{Chat: 7001, Lang: "it", Reply: flows.Reply{Texts: []flows.Text{flows.T("op.number.title")}}},
			}
			if err := st.Apply(ctx, flows.Change{Send: msgs}); err != nil {
				t.Fatal(err)
			}
			tg, wd := &outboxDoor{owns: bot.IsTelegramChat}, &outboxDoor{owns: bot.IsWebChat}
			dropped := &drops{}
			d := &bot.Delivery{Outbox: st, Renderer: tgRenderer{}, Doors: []bot.OutboxDoor{tg}, Observer: dropped}
			if withWeb {
				d.Doors = append(d.Doors, wd)
			}
			d.Flush(ctx)
			if len(tg.got) != 2 || tg.got[0].Chat != -100123 || tg.got[1].Chat != 7001 {
				t.Errorf("Telegram got %+v", tg.got)
			}
			switch {
			case withWeb && (len(wd.got) != 1 || wd.got[0].Chat != web || !wd.got[0].Hers || len(dropped.kind) != 0):
				t.Errorf("the web door got %+v, dropped %v", wd.got, dropped.kind)
			case !withWeb && !slices.Equal(dropped.kind, []string{bot.OutboxHers}):
				t.Errorf("dropped %v, want her message", dropped.kind)
			}
			if left, _ := st.Pending(ctx, 10); len(left) != 0 {
				t.Errorf("left in the outbox: %+v", left)
			}
		})
	}
}

// idleDoor records the chats it was told to clear.
type idleDoor struct {
	owns    func(int64) bool
	mu      sync.Mutex
	cleared []int64
}

func (d *idleDoor) Owns(chat int64) bool { return d.owns(chat) }
func (d *idleDoor) Cleared(_ context.Context, chat int64, _ flows.Trail, _ flows.Result) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.cleared = append(d.cleared, chat)
	return 0
}

// TestIdleWiperWipesItsOwnChats: one door's idle wipe forgets the state of
// its due chats and clears them, leaves the other door's due chats to that
// door's wipe, and leaves alone a chat not yet due.
func TestIdleWiperWipesItsOwnChats(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2027, 3, 16, 10, 0, 0, 0, time.UTC)
	clk := newClock(now)
	sessions := memstore.NewWithClock(clk.now)
	dir, err := directory.New(dirfile.Sample())
	if err != nil {
		t.Fatal(err)
	}
	svc := flows.NewService(sessions, dir, flows.Options{Langs: []string{"it", "en"}, Now: clk.now})
	trails := &memstore.Trails{}
	webDue, webLater := bot.WebChat([]byte("a")), bot.WebChat([]byte("b"))
	const tgDue int64 = 4242
	for _, chat := range []int64{webDue, webLater, tgDue} {
		if _, err := svc.Handle(ctx, flows.Input{Chat: chat, Kind: flows.KindCommand, Command: "start", Door: flows.DoorWeb}); err != nil {
			t.Fatal(err)
		}
		idle := time.Minute
		if chat == webLater {
			idle = time.Hour
		}
		if err := trails.Track(ctx, chat, nil, now, now.Add(idle), true); err != nil {
			t.Fatal(err)
		}
	}
	clk.set(now.Add(2 * time.Minute))
	door := &idleDoor{owns: bot.IsWebChat}
	w := bot.IdleWiper{Trail: trails, Wiper: svc, Door: door, Locks: &bot.ChatLocks{}, Now: clk.now}
	w.WipeDue(ctx)
	if len(door.cleared) != 1 || door.cleared[0] != webDue {
		t.Fatalf("cleared %v, want only the due web chat", door.cleared)
	}
	for chat, want := range map[int64]bool{webDue: false, webLater: true, tgDue: true} {
		if _, found, _ := sessions.Session(ctx, chat); found != want {
			t.Errorf("chat %d: session kept %v, want %v", chat, found, want)
		}
	}
	tg := &idleDoor{owns: bot.IsTelegramChat}
	w.Door = tg
	w.WipeDue(ctx)
	if len(tg.cleared) != 1 || tg.cleared[0] != tgDue {
		t.Errorf("Telegram's wipe cleared %v, want only its own due chat", tg.cleared)
	}
}
