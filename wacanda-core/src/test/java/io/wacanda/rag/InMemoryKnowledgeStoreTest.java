package io.wacanda.rag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wacanda.ErrorCode;
import io.wacanda.WacandaException;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemoryKnowledgeStoreTest extends KnowledgeStoreContract {

  @Override
  protected KnowledgeStore createStore() {
    return InMemoryKnowledgeStore.create();
  }

  @Test
  void copiesEmbeddingsSoCallersCannotChangeStoredVectors() {
    KnowledgeChunk chunk = chunk(ACME, "doc", 0, "x");
    store.save(document(ACME, "doc", "h", 1), List.of(chunk));

    chunk.embedding()[0] = 99f;
    store.findChunk(ACME, "doc#0").orElseThrow().embedding()[1] = 99f;

    assertThat(store.chunks(ACME).get(0).embedding()).containsExactly(0f, 0.25f, -1.5f, 1e-7f);
  }

  @Test
  void refusesAChunkIdOwnedByAnotherDocumentOfTheTenant() {
    store.save(document(ACME, "a", "h", 1), List.of(chunk(ACME, "a", 0, "x")));
    KnowledgeChunk stolen = new KnowledgeChunk("a#0", ACME, "b", 0, "", "y", new float[] {1});

    assertThatThrownBy(() -> store.save(document(ACME, "b", "h", 1), List.of(stolen)))
        .isInstanceOfSatisfying(WacandaException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.CONFLICT));
    assertThat(store.findChunk(ACME, "a#0").orElseThrow().documentId()).isEqualTo("a");
  }
}
