//! What the support scenario makes of each message as a connection receives it: how long it
//! took to reach the website's agents (the first of them, and all) or the visitor, and what
//! comes next: the agent whose turn it is answers a visitor's message, and now and then a
//! visitor's message is followed into the inbox.
//!
//! Whether every message reached every connection exactly once is the tallies' business (the
//! seq checks of `ws`); this only times the messages that arrived.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::mpsc;
use uuid::Uuid;

use super::inbox::Inbox;
use super::posting::Answer;
use crate::ws::{Arrival, Observer, lock};

/// A conversation: its visitor, and the index of its website.
pub struct Conversation {
    pub visitor: Uuid,
    pub website: usize,
}

/// Delivery latencies by direction.
#[derive(Default)]
pub struct Timings {
    pub to_first_agent: Vec<Duration>,
    /// Until the last of the website's agents had it (for messages that reached them all).
    pub to_all_agents: Vec<Duration>,
    pub to_visitor: Vec<Duration>,
    /// Answers not queued because the agent's queue was full (the agent fell far behind).
    pub unqueued: usize,
    /// Visitors' messages that have reached some of their agents so far: the fastest and
    /// slowest latency, and how many agents.
    reaching: HashMap<(Uuid, u64), (Duration, Duration, usize)>,
}

pub struct Deliveries {
    conversations: HashMap<Uuid, Conversation>,
    agents_per_website: usize,
    /// Per agent (website *w*'s *k*-th is number *w·K + k*), what it is to answer.
    answers: Vec<mpsc::Sender<Answer>>,
    answer_delay: Duration,
    inbox: Arc<Inbox>,
    timings: Mutex<Timings>,
}

impl Deliveries {
    pub fn new(
        conversations: HashMap<Uuid, Conversation>,
        agents_per_website: usize,
        answers: Vec<mpsc::Sender<Answer>>,
        answer_delay: Duration,
        inbox: Arc<Inbox>,
    ) -> Arc<Self> {
        Arc::new(Self { conversations, agents_per_website, answers, answer_delay, inbox, timings: Mutex::default() })
    }

    pub fn visitor_observer(self: &Arc<Self>) -> Observer {
        let deliveries = self.clone();
        Arc::new(move |arrival| deliveries.at_visitor(arrival))
    }

    /// For agent number `agent` (see [`Deliveries::answers`]).
    pub fn agent_observer(self: &Arc<Self>, agent: usize) -> Observer {
        let deliveries = self.clone();
        Arc::new(move |arrival| deliveries.at_agent(agent, arrival))
    }

    /// The timings so far, a message that reached only some agents counted with its first.
    pub fn take_timings(&self) -> Timings {
        let mut timings = std::mem::take(&mut *lock(&self.timings));
        let partly: Vec<Duration> = timings.reaching.drain().map(|(_, (fastest, ..))| fastest).collect();
        timings.to_first_agent.extend(partly);
        timings
    }

    pub fn unqueued(&self) -> usize {
        lock(&self.timings).unqueued
    }

    fn at_visitor(&self, arrival: Arrival) {
        let Some(conversation) = self.conversations.get(&arrival.room) else { return };
        if arrival.author == conversation.visitor {
            self.inbox.offer(conversation.website, arrival.room, arrival.seq, arrival.sent);
        } else {
            lock(&self.timings).to_visitor.push(arrival.latency());
        }
    }

    fn at_agent(&self, agent: usize, arrival: Arrival) {
        let Some(conversation) = self.conversations.get(&arrival.room) else { return };
        if arrival.author != conversation.visitor {
            // An answer, on its way to the other agents.
            return;
        }
        let (key, latency, agents) = ((arrival.room, arrival.seq), arrival.latency(), self.agents_per_website);
        let mut timings = lock(&self.timings);
        let (fastest, slowest, reached) = timings.reaching.entry(key).or_insert((latency, latency, 0));
        (*fastest, *slowest, *reached) = ((*fastest).min(latency), (*slowest).max(latency), *reached + 1);
        if *reached == agents {
            let (fastest, slowest) = (*fastest, *slowest);
            timings.reaching.remove(&key);
            timings.to_first_agent.push(fastest);
            timings.to_all_agents.push(slowest);
        }
        // The website's agents take turns answering.
        if agent == conversation.website * agents + arrival.seq as usize % agents {
            let answer = Answer { room: arrival.room, due: tokio::time::Instant::now() + self.answer_delay };
            if self.answers[agent].try_send(answer).is_err() {
                timings.unqueued += 1;
            }
        }
    }
}
