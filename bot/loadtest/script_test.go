package loadtest_test

import (
	"context"
	"strings"
	"testing"

	"frontdoor/bot/loadtest"
	"frontdoor/flows"
	"frontdoor/flows/directory"
	"frontdoor/flows/dirfile"
	"frontdoor/store/memstore"
)

// TestScriptMakesARequest: the rig's script, played on the real dialogues,
// ends with a confirmed request whose card is queued for the operators, so
// that the "to operators" column measures what it says. A change of the
// callback dialogue that the script does not follow fails here, not
// silently in the figures.
func TestScriptMakesARequest(t *testing.T) {
	ctx := context.Background()
	st := memstore.New()
	if err := st.SaveOperator(ctx, flows.Operator{Chat: -100123, Centre: "arca-cremona"}); err != nil {
		t.Fatal(err)
	}
	dir, err := directory.New(dirfile.Sample())
	if err != nil {
		t.Fatal(err)
	}
	svc := flows.NewService(st, dir, flows.Options{Langs: []string{"it", "en"}, Callbacks: st})
	for i, s := range loadtest.Script {
		in := flows.Input{Chat: 4242, Update: int64(i + 1), Lang: "it"}
		switch s.Kind {
		case "command":
			in.Kind, in.Command = flows.KindCommand, strings.TrimPrefix(s.Value, "/")
		case "text":
			in.Kind, in.Text = flows.KindText, s.Value
		case "button":
			in.Kind, in.Data = flows.KindButton, s.Value
		case "contact":
			in.Kind, in.Phone = flows.KindContact, s.Value
		}
		if _, err := svc.Handle(ctx, in); err != nil {
			t.Fatalf("step %d %+v: %v", i, s, err)
		}
	}
	pending, err := st.Pending(ctx, 10)
	if err != nil || len(pending) != 1 || pending[0].Card == "" {
		t.Errorf("after the script the outbox holds %+v (%v), want the card of her request", pending, err)
	}
}
