package directory

// Message is what the directory has to say to a volunteer — a problem of
// a file, a value she typed that cannot be read: a message id of the
// locale files and its template data. The dialogues turn it into text in
// her language; the directory knows nothing of them.
type Message struct {
	ID   string
	Data map[string]any
}

// Msg builds a Message from its id and key, value pairs of its data.
func Msg(id string, kv ...any) Message {
	m := Message{ID: id}
	if len(kv) > 0 {
		m.Data = make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			m.Data[kv[i].(string)] = kv[i+1]
		}
	}
	return m
}
