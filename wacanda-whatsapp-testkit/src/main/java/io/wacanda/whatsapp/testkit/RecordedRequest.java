package io.wacanda.whatsapp.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One request a fake received, as it arrived.
 *
 * @param path the path without the query
 * @param query the raw query string, empty when none
 * @param headers header values by lower-case name
 * @param json the body parsed as JSON; an empty object when the body was empty or not JSON
 */
public record RecordedRequest(String method, String path, String query,
    Map<String, List<String>> headers, String body, JsonNode json) {

  public RecordedRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    query = query == null ? "" : query;
    headers = Map.copyOf(headers);
    body = body == null ? "" : body;
    Objects.requireNonNull(json, "json");
  }

  /** The first value of a header, by any case. */
  public Optional<String> header(String name) {
    List<String> v = headers.get(name.toLowerCase(java.util.Locale.ROOT));
    return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
  }

  @Override
  public String toString() {
    return "RecordedRequest[" + method + " " + path + "]";
  }
}
