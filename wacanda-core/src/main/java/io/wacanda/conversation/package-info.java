/**
 * Conversations: sessions per (integration, sender), their messages and turn analytics, and the {@link io.wacanda.conversation.ConversationEngine} that answers customers from the knowledge base or hands them to a human. Non-null by default.
 */
package io.wacanda.conversation;
