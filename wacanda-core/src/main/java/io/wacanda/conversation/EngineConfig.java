package io.wacanda.conversation;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Settings of the {@link ConversationEngine}. Immutable; built with {@link #builder()}, every
 * setter checks its value at once.
 */
public final class EngineConfig {
  /** Default messages of history given to the RAG engine: 10. */
  public static final int DEFAULT_HISTORY = 10;
  /** Default confidence below which the bot does not answer: 0.25. */
  public static final double DEFAULT_MIN_CONFIDENCE = 0.25;
  /** Default confidence below which the bot hands off at once: 0.05. */
  public static final double DEFAULT_HANDOFF_CONFIDENCE = 0.05;
  /** Default consecutive unanswered questions before a handoff: 2. */
  public static final int DEFAULT_MAX_UNANSWERED = 2;
  /** Default idle time after which a handed-off session goes back to the bot: 30 minutes. */
  public static final Duration DEFAULT_HANDOFF_IDLE_TIMEOUT = Duration.ofMinutes(30);

  /** Phrasings that ask for a person, in English, Spanish, Portuguese, French and German. */
  public static final List<String> DEFAULT_HUMAN_REQUEST_PATTERNS = List.of(
      "\\b(talk|speak|chat|connect|transfer|put)\\b.{0,30}\\b(human|person|agent|someone|"
          + "somebody|representative|rep|operator|staff|support team|real)\\b",
      "\\b(human|live|real)\\s+(agent|person|being|support|help)\\b",
      "^\\s*(please\\s+)?(an?\\s+)?(real\\s+|live\\s+)?(agent|human|operator|representative|"
          + "person)(\\s+please)?\\s*[.!?]*\\s*$",
      "\\bcustomer (service|support) (agent|representative|person)\\b",
      "\\b(i want|i need|get me|give me|let me talk to)\\b.{0,20}\\b(human|person|agent|manager|"
          + "supervisor|representative)\\b",
      "\\b(hablar con|quiero).{0,20}\\b(humano|persona|agente|asesor)\\b",
      "\\b(falar com|quero).{0,20}\\b(humano|pessoa|atendente|agente)\\b",
      "\\b(parler|conseiller|un humain|une personne)\\b.{0,20}\\b(humain|personne|conseiller|agent)\\b",
      "\\b(mit einem|einen)\\s+(menschen|mitarbeiter|berater)\\b");

  /** Whole messages that are small talk (a greeting, thanks), answered without the knowledge base. */
  public static final List<String> DEFAULT_SMALL_TALK_PATTERNS = List.of(
      "^\\W*(hi|hello|hey|hiya|good (morning|afternoon|evening)|hola|ol[aá]|bonjour|hallo|"
          + "ciao)( there)?\\W*$",
      "^\\W*(thanks?|thank you|thx|cheers|great|ok(ay)?|perfect|gracias|obrigad[oa]|merci|"
          + "danke)( (so|very) much| a lot)?\\W*$");

  /** Words that raise a handoff's urgency to HIGH. */
  public static final List<String> DEFAULT_URGENT_PATTERNS = List.of(
      "\\b(urgent|urgently|asap|immediately|emergency|fraud|stolen|hacked|unauthori[sz]ed|"
          + "charged twice|double charged|lawyer|legal action|complaint|furious|unacceptable)\\b");

  private final int historySize;
  private final double minConfidence;
  private final double handoffConfidence;
  private final int maxUnanswered;
  private final Duration handoffIdleTimeout;
  private final List<Pattern> humanRequest;
  private final List<Pattern> urgent;
  private final Pattern greeting;
  private final Pattern thanks;
  private final Messages messages;

  private EngineConfig(Builder b) {
    this.historySize = b.historySize;
    this.minConfidence = b.minConfidence;
    this.handoffConfidence = b.handoffConfidence;
    this.maxUnanswered = b.maxUnanswered;
    this.handoffIdleTimeout = b.handoffIdleTimeout;
    this.humanRequest = compile(b.humanRequestPatterns);
    this.urgent = compile(b.urgentPatterns);
    this.greeting = compile(List.of(DEFAULT_SMALL_TALK_PATTERNS.get(0))).get(0);
    this.thanks = compile(List.of(DEFAULT_SMALL_TALK_PATTERNS.get(1))).get(0);
    this.messages = b.messages;
  }

  private static List<Pattern> compile(List<String> patterns) {
    return patterns.stream()
        .map(p -> Pattern.compile(p, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE))
        .toList();
  }

  public static EngineConfig defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public int historySize() {
    return historySize;
  }

  public double minConfidence() {
    return minConfidence;
  }

  public double handoffConfidence() {
    return handoffConfidence;
  }

  public int maxUnanswered() {
    return maxUnanswered;
  }

  public Duration handoffIdleTimeout() {
    return handoffIdleTimeout;
  }

  public Messages messages() {
    return messages;
  }

  boolean asksForHuman(String text) {
    return humanRequest.stream().anyMatch(p -> p.matcher(text).find());
  }

  /** The canned answer to a message that is only small talk. */
  java.util.Optional<String> smallTalkReply(String text) {
    if (text.length() > 40) {
      return java.util.Optional.empty();
    }
    if (greeting.matcher(text).matches()) {
      return java.util.Optional.of(messages.greeting());
    }
    if (thanks.matcher(text).matches()) {
      return java.util.Optional.of(messages.thanks());
    }
    return java.util.Optional.empty();
  }

  boolean soundsUrgent(String text) {
    return urgent.stream().anyMatch(p -> p.matcher(text).find());
  }

  /**
   * What the bot says in fixed situations.
   *
   * @param handoff told to the customer when a person takes over
   * @param notUnderstood when the knowledge base has no confident answer
   * @param resumed when the bot takes the conversation back
   * @param mediaWithoutText when a customer sends media the bot cannot read
   * @param talkToPerson title of the button that asks for a person
   * @param greeting answer to a bare greeting
   * @param thanks answer to a bare thank-you
   */
  public record Messages(String handoff, String notUnderstood, String resumed,
      String mediaWithoutText, String talkToPerson, String greeting, String thanks) {
    public static final Messages DEFAULT = new Messages(
        "I'm passing you to a member of our team. They will reply here as soon as they can.",
        "I'm sorry, I couldn't find an answer to that in our help centre. Could you rephrase it?",
        "You're back with the virtual assistant. How can I help?",
        "I can only read text for now. Could you describe what you need in a message?",
        "Talk to a person",
        "Hello! I'm the virtual assistant. Ask me anything about orders, delivery, returns, "
            + "payments or your account.",
        "You're welcome! Is there anything else I can help with?");

    public Messages {
      Objects.requireNonNull(handoff, "handoff");
      Objects.requireNonNull(notUnderstood, "notUnderstood");
      Objects.requireNonNull(resumed, "resumed");
      Objects.requireNonNull(mediaWithoutText, "mediaWithoutText");
      Objects.requireNonNull(talkToPerson, "talkToPerson");
      Objects.requireNonNull(greeting, "greeting");
      Objects.requireNonNull(thanks, "thanks");
    }
  }

  /** Builder; defaults are the {@code DEFAULT_*} constants. */
  public static final class Builder {
    private int historySize = DEFAULT_HISTORY;
    private double minConfidence = DEFAULT_MIN_CONFIDENCE;
    private double handoffConfidence = DEFAULT_HANDOFF_CONFIDENCE;
    private int maxUnanswered = DEFAULT_MAX_UNANSWERED;
    private Duration handoffIdleTimeout = DEFAULT_HANDOFF_IDLE_TIMEOUT;
    private List<String> humanRequestPatterns = DEFAULT_HUMAN_REQUEST_PATTERNS;
    private List<String> urgentPatterns = DEFAULT_URGENT_PATTERNS;
    private Messages messages = Messages.DEFAULT;

    public Builder historySize(int n) {
      if (n < 0 || n > 100) {
        throw new IllegalArgumentException("historySize must be 0..100, was " + n);
      }
      this.historySize = n;
      return this;
    }

    public Builder minConfidence(double c) {
      this.minConfidence = unit("minConfidence", c);
      return this;
    }

    /** Confidence below which the bot hands off at once; 0 disables. */
    public Builder handoffConfidence(double c) {
      this.handoffConfidence = unit("handoffConfidence", c);
      return this;
    }

    /** Consecutive unanswered questions before a handoff; 0 disables. */
    public Builder maxUnanswered(int n) {
      if (n < 0) {
        throw new IllegalArgumentException("maxUnanswered must be >= 0, was " + n);
      }
      this.maxUnanswered = n;
      return this;
    }

    public Builder handoffIdleTimeout(Duration d) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("handoffIdleTimeout must be positive");
      }
      this.handoffIdleTimeout = d;
      return this;
    }

    public Builder humanRequestPatterns(List<String> patterns) {
      this.humanRequestPatterns = List.copyOf(patterns);
      compile(this.humanRequestPatterns);
      return this;
    }

    public Builder urgentPatterns(List<String> patterns) {
      this.urgentPatterns = List.copyOf(patterns);
      compile(this.urgentPatterns);
      return this;
    }

    public Builder messages(Messages m) {
      this.messages = Objects.requireNonNull(m, "messages");
      return this;
    }

    private static double unit(String name, double v) {
      if (!(v >= 0.0 && v <= 1.0)) {
        throw new IllegalArgumentException(name + " must be in 0..1, was " + v);
      }
      return v;
    }

    public EngineConfig build() {
      if (handoffConfidence > minConfidence) {
        throw new IllegalStateException("handoffConfidence (" + handoffConfidence
            + ") must not exceed minConfidence (" + minConfidence + ")");
      }
      return new EngineConfig(this);
    }
  }
}
