package dev.tern.auth;

/** What a client wants to do with a topic. */
public enum TopicAction { PUBLISH, SUBSCRIBE }
