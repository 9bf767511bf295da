// What the page knows and where the reviewer is: the sentences, the viewer's claims on them,
// the sentence and claim being edited, unsaved drafts, and whether a save is on its way.
export function install(ws) {
  const { sentences, annotations } = ws.data; // [{id, start, end, ...}] in reading order; id -> claims
  const store = {
    sentences,
    index: 0, // the current sentence, into sentences
    claim: 0, // into the current sentence's claims; === their number means a new claim
    dirty: false, // the form holds edits not saved yet
    saving: false,
    detailsOpen: false, // closed, 1/2/3 save and advance in one key; open, they only choose
    drafts: new Map(), // "sentenceId:claimId" -> unsaved form state
    lastChange: null, // {sentenceId, before, after}: what undo puts back

    current: () => sentences[store.index],
    indexOf: (id) => sentences.findIndex((s) => s.id === Number(id)),
    claimsOf: (id) => annotations[String(id)] || [],
    setClaims(id, claims) {
      annotations[String(id)] = claims;
    },
    draftKey: () => store.current().id + ":" + (store.claimsOf(store.current().id)[store.claim] || {}).id,
  };
  ws.store = store;
}
