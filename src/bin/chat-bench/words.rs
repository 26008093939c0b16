//! Message text with the word frequencies of real text, so that a search benchmark has common
//! and rare words to look for: words drawn from a Zipf distribution (the n-th most common word
//! appears about 1/n as often as the first) over a vocabulary of made-up, pronounceable words.
//!
//! With [`VOCABULARY`] words and 6–14 words a message, [`COMMON`] is in about 60 % of messages,
//! [`MEDIUM`] in about 1 % and [`RARE`] in about 50 of a million.

use rand::Rng;

/// Words in the vocabulary.
pub const VOCABULARY: usize = 20_000;
/// Ranks (0 = most common) of the words the search benchmark looks for.
pub const COMMON: usize = 0;
pub const MEDIUM: usize = 100;
pub const RARE: usize = VOCABULARY - 1;

/// Consonant–vowel syllables: 70 of them, three to a word, so every rank has its own word and
/// none is an English word (stop words and stems stay out of the way).
const CONSONANTS: &[u8] = b"bdfgklmnprstvz";
const VOWELS: &[u8] = b"aeiou";

/// The word of `rank`.
pub fn word(rank: usize) -> String {
    let syllables = CONSONANTS.len() * VOWELS.len();
    let mut word = String::with_capacity(6);
    let mut rest = rank;
    for _ in 0..3 {
        let syllable = rest % syllables;
        rest /= syllables;
        word.push(CONSONANTS[syllable / VOWELS.len()] as char);
        word.push(VOWELS[syllable % VOWELS.len()] as char);
    }
    word
}

/// Draws message texts.
pub struct Words {
    words: Vec<String>,
    /// Cumulative Zipf weights (s = 1) by rank, the last one the total.
    cumulative: Vec<f64>,
}

impl Default for Words {
    fn default() -> Self {
        let mut total = 0.0;
        let cumulative = (1..=VOCABULARY)
            .map(|n| {
                total += 1.0 / n as f64;
                total
            })
            .collect();
        Self { words: (0..VOCABULARY).map(word).collect(), cumulative }
    }
}

impl Words {
    /// A message of 6 to 14 words.
    pub fn message(&self, rng: &mut impl Rng) -> String {
        let count = rng.gen_range(6..=14);
        let total = self.cumulative[VOCABULARY - 1];
        let mut text = String::with_capacity(count * 7);
        for n in 0..count {
            let drawn = rng.gen_range(0.0..total);
            let rank = self.cumulative.partition_point(|&weight| weight < drawn);
            if n > 0 {
                text.push(' ');
            }
            text.push_str(&self.words[rank.min(VOCABULARY - 1)]);
        }
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn every_rank_has_its_own_word() {
        let words: std::collections::HashSet<String> = (0..VOCABULARY).map(word).collect();
        assert_eq!(words.len(), VOCABULARY);
        assert_eq!(word(COMMON), "bababa");
    }

    #[test]
    fn common_words_are_common_and_rare_ones_rare() {
        let words = Words::default();
        let mut rng = rand::rngs::StdRng::seed_from_u64(7);
        let messages: Vec<String> = (0..20_000).map(|_| words.message(&mut rng)).collect();
        let share = |rank: usize| {
            let word = word(rank);
            messages.iter().filter(|m| m.split(' ').any(|w| w == word)).count() as f64 / messages.len() as f64
        };
        assert!((0.5..0.7).contains(&share(COMMON)), "common: {}", share(COMMON));
        assert!((0.005..0.02).contains(&share(MEDIUM)), "medium: {}", share(MEDIUM));
        assert!(share(RARE) < 0.001, "rare: {}", share(RARE));
    }
}
