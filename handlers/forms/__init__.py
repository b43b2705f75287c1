"""One engine for every private question-and-answer dialog.

A form is data (`fields.py`, `form.py`): its fields say how to ask (text, a 1–5 scale,
choices, yes/no), which buttons to offer, how to parse and where answers go (the
teacher's scratchpad, or the answers table at once for questionnaires). Field callbacks
get an `Asking`: the update's database session, the teacher answering, the dialog's
project and its answers so far, so what a question shows about the team is read as it is
now, never copied into the scratchpad. The engine (`engine.py`) asks the first field
without an answer, so a dialog resumes by itself after a pause or a restart; /back,
/skip and "change one answer" set an explicit position instead; a dialog that belongs
to a project goes on only while the teacher is in it. `questions.py` words what is
shown; `conversation.py` is the one persisted handler that runs them all.

Where buttons are offered, typed text is read as the button it names (any case, with or
without diacritics; yes and no in any of our languages), so a teacher who types "jā" is
not refused. A questionnaire offers its skipped questions once more at the end, and the
counter counts only the questions this run asks (not an invite that came with the link).
"""

from handlers.forms.conversation import conversation
from handlers.forms.engine import OFFERED, RECALLED, WAITING, answer, ask, back, begin, cancel, skip
from handlers.forms.fields import (
    KEEP,
    KEEP_VAGUE,
    NO,
    SCALE,
    TEXT_MAX,
    YES,
    Answers,
    Asking,
    Choice,
    Field,
    Invalid,
    Kind,
    State,
    Teacher,
    asking_of,
    plain,
    scale,
    text_answer,
    yes_no,
)
from handlers.forms.form import (
    SCRATCH,
    SCRATCH_STORE,
    Form,
    Prefetching,
    ScratchStore,
    Store,
    member_key,
    still_member,
)
from handlers.forms.questions import KEEP_OR_DROP, LATER, NOW, RECALL

__all__ = [
    "KEEP",
    "KEEP_OR_DROP",
    "KEEP_VAGUE",
    "LATER",
    "NO",
    "NOW",
    "OFFERED",
    "RECALL",
    "RECALLED",
    "SCALE",
    "SCRATCH",
    "SCRATCH_STORE",
    "TEXT_MAX",
    "WAITING",
    "YES",
    "Answers",
    "Asking",
    "Choice",
    "Field",
    "Form",
    "Invalid",
    "Kind",
    "Prefetching",
    "ScratchStore",
    "State",
    "Store",
    "Teacher",
    "answer",
    "ask",
    "asking_of",
    "back",
    "begin",
    "cancel",
    "conversation",
    "member_key",
    "plain",
    "scale",
    "skip",
    "still_member",
    "text_answer",
    "yes_no",
]
