//! Exchange: reading and writing the file formats cities and open data use. Pure: bytes in,
//! records and a row-by-row report out; services decide what to store.
