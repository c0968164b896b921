package loadtest

import (
	"context"

	"frontdoor/bot"
	"frontdoor/flows"
)

// Echo is the baseline bot of the rig: it answers every input with one
// short message and keeps nothing, no state and no disk, so that measuring
// it shows the ceiling of the rig and of the transport.
type Echo struct{}

// Handle answers with one reply.
func (Echo) Handle(context.Context, flows.Input) (flows.Result, error) {
	return flows.Result{Lang: "it", Replies: []flows.Reply{{Texts: []flows.Text{flows.Raw("ok")}}}, Event: "echo"}, nil
}

// Render renders every reply as the same short text.
func (Echo) Render(string, flows.Reply) bot.Message { return bot.Message{Text: "ok"} }
