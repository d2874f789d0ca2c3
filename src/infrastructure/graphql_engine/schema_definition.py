"""SchemaDefinition: what makes one GraphQL API: its name, SDL file and resolver modules."""

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class SchemaDefinition:
    # tartiflette keys its process-wide registry by this name: one distinct name per schema.
    schema_name: str
    sdl_path: Path
    resolver_modules: tuple[str, ...]
    # Shown as the title of the GraphiQL page.
    title: str
