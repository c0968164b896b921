package bot

import (
	"testing"

	"frontdoor/flows"
)

// What an outbox message is, for the dropped-messages metric: her number
// to the operator who took the request is told apart.
func TestOutboxKind(t *testing.T) {
	for want, o := range map[string]flows.Outgoing{
		OutboxNumber:   {Chat: 5, Card: "K7", Number: true, Reply: flows.Reply{Texts: []flows.Text{flows.T("op.number.title")}}},
		OutboxCard:     {Chat: -100, Card: "K7", Reply: flows.Reply{Texts: []flows.Text{flows.T("op.card.new")}}},
		OutboxOperator: {Chat: 5, Reply: flows.Reply{Texts: []flows.Text{flows.T("op.withdrawn")}}},
		OutboxHers:     {Chat: 9, Hers: true, Reply: flows.Reply{Texts: []flows.Text{flows.T("cb.final.title")}}},
	} {
		if got := outboxKind(o); got != want {
			t.Errorf("%+v: %q, want %q", o, got, want)
		}
	}
}
