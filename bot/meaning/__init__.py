"""What free-text answers mean: quantities read in Latvian, Lithuanian and English
(`reader`), compared across languages (`compare`) and said in the reader's language
(`say`)."""
